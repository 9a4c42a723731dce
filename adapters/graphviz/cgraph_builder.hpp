// Builds a Graphviz cgraph graph from a unified Graph: op nodes, I/O nodes, partition clusters.
#pragma once

#include "adapters/graphviz/graphviz_handles.hpp"
#include "adapters/layout/graph_geometry.hpp"
#include "adapters/palette/backend_palette.hpp"
#include "core/graph.hpp"

#include <cstdint>
#include <vector>

namespace pteron {

struct CGraphOptions {
    bool leftToRight = false;
    bool clusters = true;   // a cluster per delegated or non-CPU partition when placements differ
    bool edgeLabels = true; // value type text ("int8[1,3,224,224]") on every edge
    double nodeSep = 0.25;  // inches, Graphviz units
    double rankSep = 0.5;
    // Above this many nodes dot's search is capped, edges are straight and unlabelled (each
    // label is one more node to place), so the layout takes seconds rather than minutes.
    std::size_t largeGraphNodes = 300;
    // Fixed box size in points per operation (indexed like Graph::nodes), so a view that draws
    // its own boxes gets room for its own text; empty, or 0 for a node: sized from the label.
    struct Size {
        double width = 0;
        double height = 0;
    };
    std::vector<Size> operationSizes{};
};

// The cgraph graph plus what each Graphviz object stands for. Constants and values nothing
// writes get no node, so their edges are left out.
struct CGraphBuild {
    struct NodeRef {
        Agnode_t* node;
        LayoutNodeKind kind;
        std::size_t index; // node index, or position in Graph::inputs / Graph::outputs
    };
    struct EdgeRef {
        Agedge_t* edge;
        std::size_t from; // indices into `nodes`
        std::size_t to;
        std::int64_t value;
    };
    struct ClusterRef {
        Agraph_t* cluster;
        std::size_t partition;
    };
    CGraph graph;
    std::vector<NodeRef> nodes; // graph inputs, then operations, then graph outputs
    std::vector<EdgeRef> edges;
    std::vector<ClusterRef> clusters;
};

// Graphviz is not thread-safe: call only while holding the LayoutService lock.
CGraphBuild buildCGraph(const Graph& graph, const BackendPalette& palette,
                        const CGraphOptions& options);

} // namespace pteron
