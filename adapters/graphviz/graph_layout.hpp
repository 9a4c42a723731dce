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

// Where dot runs. A forked child can be killed, so a cancel interrupts it; forking is safe only
// when no other thread can hold a lock the child needs (the allocator's, above all). In process,
// a cancel is seen before and after dot and the caller abandons a layout it no longer wants.
enum class LayoutIsolation : std::uint8_t { ChildProcess, InProcess };

struct LayoutOptions {
    CGraphOptions graph{.leftToRight = false, .clusters = true, .edgeLabels = false};
    BackendPalette palette = BackendPalette::builtIn();
    LayoutIsolation isolation = LayoutIsolation::ChildProcess;
};

// Safe to call from a worker thread. With ChildProcess isolation the layout runs in a child
// forked under `service`'s lock; raising `cancel` (may be null) at any time kills it and makes
// the call return a cancelled layout within milliseconds. Throws std::runtime_error when
// Graphviz fails or crashes (a crash ends only the child).
GraphLayout layoutGraph(LayoutService& service, const Graph& graph, const LayoutOptions& options,
                        const std::atomic<bool>* cancel);

} // namespace pteron
