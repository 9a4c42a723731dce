// Node positions and edge splines of a graph laid out by Graphviz dot, for the desktop views.
#pragma once

#include "adapters/graphviz/cgraph_builder.hpp"
#include "adapters/graphviz/layout_service.hpp"
#include "core/graph.hpp"

#include <atomic>
#include <cstdint>
#include <vector>

namespace pteron {

struct LayoutPoint {
    double x = 0;
    double y = 0;
};

// All geometry is in points with the origin top-left and y growing downwards.
struct LayoutNode {
    LayoutNodeKind kind = LayoutNodeKind::Operation;
    std::size_t index = 0; // node index, or position in Graph::inputs / Graph::outputs
    LayoutPoint center;
    double width = 0;
    double height = 0;
};

struct LayoutEdge {
    std::size_t from = 0; // indices into GraphLayout::nodes
    std::size_t to = 0;
    std::int64_t value = -1;
    std::vector<LayoutPoint> points; // cubic Bézier control points, then the arrow tip if any
};

struct LayoutCluster {
    std::size_t partition = 0;
    LayoutPoint topLeft;
    double width = 0;
    double height = 0;
};

struct GraphLayout {
    std::vector<LayoutNode> nodes; // graph inputs, then operations, then graph outputs
    std::vector<LayoutEdge> edges;
    std::vector<LayoutCluster> clusters;
    double width = 0;
    double height = 0;
    bool cancelled = false; // true when `cancel` was raised; everything else is then empty
};

struct LayoutOptions {
    CGraphOptions graph{.leftToRight = false, .clusters = true, .edgeLabels = false};
    BackendPalette palette = BackendPalette::builtIn();
};

// Safe to call from a worker thread. The layout runs in a child process forked under
// `service`'s lock; raising `cancel` (may be null) at any time kills it and makes the call
// return a cancelled layout within milliseconds. Throws std::runtime_error when Graphviz fails
// or crashes (a crash ends only the child).
GraphLayout layoutGraph(LayoutService& service, const Graph& graph, const LayoutOptions& options,
                        const std::atomic<bool>* cancel);

} // namespace pteron
