// What a layout engine returns for a graph, and the signature every engine (own or Graphviz) has.
#pragma once

#include "adapters/layout/graph_geometry.hpp"
#include "adapters/layout/node_box.hpp"
#include "core/graph.hpp"
#include "views/graph/graph_edges.hpp"

#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

struct LayoutSettings {
    bool horizontal = false; // left-to-right instead of top-to-bottom
};

inline constexpr std::size_t kNoNode = static_cast<std::size_t>(-1);

struct LaidOutEdge {
    GraphEdge edge; // from/to are kNoNode where the edge starts or ends at a graph input/output
    // A cubic Bézier chain: start point, three points per segment, then the arrow tip if any.
    std::vector<QPointF> points;
};

// A marker for a graph input or output value.
struct LaidOutTerminal {
    bool input = true;
    std::int64_t value = kAbsentValue;
    QRectF box;
};

// The area of one partition's nodes, drawn behind them.
struct LaidOutCluster {
    std::size_t partition = 0;
    QRectF box;
};

struct SceneLayout {
    std::vector<QRectF> nodes; // one box per graph node, in scene coordinates
    std::vector<LaidOutEdge> edges;
    std::vector<LaidOutTerminal> terminals;
    std::vector<LaidOutCluster> clusters;
    bool cancelled = false;
    std::string engine; // which engine made it, shown in the status bar
};

using LayoutEngine = std::function<SceneLayout(const Graph&, const LayoutSettings&,
                                               const std::atomic<bool>* cancel)>;

// The scene's form of an engine's layout; `engine` names it in the status bar.
SceneLayout toSceneLayout(const Graph& graph, const GraphLayout& laid, std::string engine);

// Size of a node's box from its label, so every engine lays out boxes of the same size.
QSizeF nodeBoxSize(const Graph& graph, const Node& node);

} // namespace pteron
