// Where a layout engine put a graph's nodes, edges and partition frames, in points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pteron {

enum class LayoutNodeKind : std::uint8_t { Operation, GraphInput, GraphOutput };

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

} // namespace pteron
