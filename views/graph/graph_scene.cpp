#include "views/graph/graph_scene.hpp"

#include "adapters/common/partition_label.hpp"
#include "adapters/layout/node_box.hpp"
#include "adapters/layout/operator_weights.hpp"
#include "core/node_layers.hpp"

#include "views/graph/backend_colors.hpp"
#include "views/graph/node_item.hpp"
#include "views/graph/node_placement.hpp"
#include "views/graph/node_tooltip.hpp"
#include "views/graph/operation_kind_colors.hpp"

#include <QGraphicsPathItem>
#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsSimpleTextItem>
#include <QPainterPath>
#include <QPen>

#include <QFontMetricsF>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <unordered_map>

namespace pteron {

namespace {

QPainterPath edgePath(const LaidOutEdge& edge) {
    QPainterPath path;
    if (edge.points.empty()) return path;
    path.moveTo(edge.points.front());
    std::size_t i = 1;
    for (; i + 2 < edge.points.size(); i += 3)
        path.cubicTo(edge.points[i], edge.points[i + 1], edge.points[i + 2]);
    for (; i < edge.points.size(); ++i)
        path.lineTo(edge.points[i]); // straight end, arrow tip
    return path;
}

// A small arrow head at the end of an edge, pointing along its last segment.
void addArrowHead(QPainterPath& path, const LaidOutEdge& edge) {
    if (edge.points.size() < 2) return;
    const auto tip = edge.points.back();
    auto from = edge.points[edge.points.size() - 2];
    if (from == tip && edge.points.size() > 2) from = edge.points[edge.points.size() - 3];
    QLineF back(tip, from);
    back.setLength(7);
    auto left = back;
    left.setAngle(back.angle() + 25);
    auto right = back;
    right.setAngle(back.angle() - 25);
    path.moveTo(left.p2());
    path.lineTo(tip);
    path.lineTo(right.p2());
}

} // namespace

// Boxes already taken in the scene, bucketed on a coarse grid so a test is a few comparisons.
class GraphScene::Occupancy {
  public:
    void add(const QRectF& box) {
        forCells(box, [&](std::int64_t key) { cells_[key].push_back(box); });
    }
    bool hits(const QRectF& box) const {
        bool hit = false;
        forCells(box, [&](std::int64_t key) {
            if (hit) return;
            const auto it = cells_.find(key);
            if (it == cells_.end()) return;
            hit = std::any_of(it->second.begin(), it->second.end(),
                              [&](const QRectF& taken) { return taken.intersects(box); });
        });
        return hit;
    }

  private:
    static constexpr double kCell = 96.0;
    template <typename Visit> static void forCells(const QRectF& box, Visit visit) {
        const auto x0 = std::int64_t(std::floor(box.left() / kCell));
        const auto x1 = std::int64_t(std::floor(box.right() / kCell));
        const auto y0 = std::int64_t(std::floor(box.top() / kCell));
        const auto y1 = std::int64_t(std::floor(box.bottom() / kCell));
        for (auto x = x0; x <= x1; ++x)
            for (auto y = y0; y <= y1; ++y)
                visit(x * 1'000'003 + y);
    }
    std::unordered_map<std::int64_t, std::vector<QRectF>> cells_;
};

namespace {

// The edge as a polyline, each Bézier segment sampled at a few points: walking it is much
// cheaper than QPainterPath::percentAtLength, which dominated the build of large scenes.
std::vector<QPointF> edgePolyline(const LaidOutEdge& edge) {
    constexpr int kSamples = 8;
    std::vector<QPointF> line;
    if (edge.points.empty()) return line;
    line.push_back(edge.points.front());
    std::size_t i = 1;
    for (; i + 2 < edge.points.size(); i += 3) {
        const auto p0 = edge.points[i - 1];
        const auto c1 = edge.points[i];
        const auto c2 = edge.points[i + 1];
        const auto p3 = edge.points[i + 2];
        for (int k = 1; k <= kSamples; ++k) {
            const double t = double(k) / kSamples;
            const double u = 1 - t;
            line.push_back(u * u * u * p0 + 3 * u * u * t * c1 + 3 * u * t * t * c2 +
                           t * t * t * p3);
        }
    }
    for (; i < edge.points.size(); ++i)
        line.push_back(edge.points[i]);
    return line;
}

struct PathSpot {
    QPointF point;
    QPointF direction; // of the edge at that point, towards the consumer
};

// The point `back` along the polyline from its end, or nullopt when the line is shorter.
std::optional<PathSpot> spotBackFromEnd(const std::vector<QPointF>& line, double back) {
    for (std::size_t i = line.size(); i-- > 1;) {
        const auto from = line[i - 1];
        const auto to = line[i];
        const double length = QLineF(from, to).length();
        if (length >= back && length > 0) {
            const double t = back / length;
            return PathSpot{to + (from - to) * t, (to - from) / length};
        }
        back -= length;
    }
    return std::nullopt;
}

// The type of the edge's value; a layer drawn as one group hands on its whole feature map,
// though the value on the edge is only the part its first stripe wrote.
QString edgeLabel(const Graph& graph, const GraphEdge& edge) {
    // Edges from a graph input marker have no producing node.
    const auto* producer = edge.from < graph.nodes.size() ? &graph.nodes[edge.from] : nullptr;
    if (producer && isDrawnGroup(*producer))
        if (const auto* map = findAttribute(producer->attributes, kLayerMapAttribute))
            if (const auto* text = std::get_if<std::string>(&map->value))
                return QString::fromStdString(*text);
    const auto* value = graph.value(edge.value);
    return value ? QString::fromStdString(value->typeText()) : QString();
}

} // namespace

void GraphScene::build(const Graph& graph, const SceneLayout& layout) {
    clear();
    nodes_.clear();
    labels_.clear();
    terminalLabels_.clear();
    clusterTitles_.clear();
    const bool large = graph.nodes.size() > kLargeGraph;
    large_ = large;
    setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    addClusters(graph, layout);
    addTerminals(graph, layout);
    addEdges(graph, layout, large);
    nodes_.reserve(graph.nodes.size());
    for (std::size_t i = 0; i < graph.nodes.size() && i < layout.nodes.size(); ++i) {
        const auto& node = graph.nodes[i];
        const auto& partition = nodePlacement(graph, node);
        auto* item = new NodeItem(
            i, layout.nodes[i], QString::fromStdString(nodeTitleText(node)),
            QString::fromStdString(nodeDetailText(graph, node)),
            operationKindColor(backendColor(partition), npuOperationKind(node)), large);
        item->setHasChildGraph(!node.childGraphs.empty() || isDrawnGroup(node));
        item->setWeightsText(QString::fromStdString(nodeWeightsText(graph, node)));
        item->setToolTip(nodeToolTip(graph, node));
        item->setZValue(1);
        addItem(item);
        nodes_.push_back(item);
    }
    setSceneRect(itemsBoundingRect().adjusted(-40, -40, 40, 40));
}

void GraphScene::addEdges(const Graph& graph, const SceneLayout& layout, bool large) {
    const QPen pen(ink_.edge, 1.2);
    if (large) {
        // Edges share a few paths: few items to index, yet the view can still skip the
        // chunks that are off screen.
        constexpr std::size_t kEdgesPerPath = 256;
        for (std::size_t first = 0; first < layout.edges.size(); first += kEdgesPerPath) {
            QPainterPath chunk;
            const auto last = std::min(layout.edges.size(), first + kEdgesPerPath);
            for (auto i = first; i < last; ++i) {
                auto path = edgePath(layout.edges[i]);
                addArrowHead(path, layout.edges[i]);
                chunk.addPath(path);
            }
            addPath(chunk, pen)->setZValue(0);
        }
        return;
    }
    Occupancy occupied;
    for (const auto& box : layout.nodes)
        occupied.add(box);
    for (const auto& terminal : layout.terminals)
        occupied.add(terminal.box);
    for (const auto& title : clusterTitles_)
        occupied.add(title);
    for (const auto& edge : layout.edges) {
        auto path = edgePath(edge);
        addArrowHead(path, edge);
        addPath(path, pen)->setZValue(0);
        const auto text = edgeLabel(graph, edge.edge);
        if (text.isEmpty() || edge.points.size() < 2) continue;
        addEdgeLabel(text, edgePolyline(edge), occupied);
    }
}

// Tries spots along the edge, nearest the consumer first (where a reader looks for an input's
// type), and gives up on the label rather than cover a node or another label.
void GraphScene::addEdgeLabel(const QString& text, const std::vector<QPointF>& line,
                              Occupancy& occupied) {
    QFont font;
    font.setPointSizeF(7);
    const QFontMetricsF metrics(font);
    // The room the drawn text takes, which may pass the advance by a glyph's overhang.
    QGraphicsSimpleTextItem probe(text);
    probe.setFont(font);
    const auto drawn = probe.boundingRect();
    const QSizeF size(std::max(metrics.horizontalAdvance(text) + 2, drawn.width()),
                      std::max(metrics.height(), drawn.height()));
    constexpr std::array<double, 4> kBackFromTip{22, 40, 60, 84};
    for (double back : kBackFromTip) {
        const auto spot = spotBackFromEnd(line, back);
        if (!spot) break;
        const auto point = spot->point;
        // Beside a steep stretch of the edge, above a flat one.
        const bool flat = std::abs(spot->direction.y()) < 0.5;
        const QRectF box(point + (flat ? QPointF(-size.width() / 2, -size.height() - 1)
                                       : QPointF(4, -size.height() / 2)),
                         size);
        if (occupied.hits(box)) continue;
        occupied.add(box);
        auto* label = addSimpleText(text, font);
        label->setBrush(ink_.edgeLabel);
        label->setPos(box.topLeft());
        label->setZValue(2);
        label->setVisible(labelsVisible_);
        labels_.push_back(label);
        return;
    }
}

void GraphScene::addClusters(const Graph& graph, const SceneLayout& layout) {
    for (const auto& cluster : layout.clusters) {
        if (cluster.partition >= graph.partitions.size()) continue;
        const auto& partition = graph.partitions[cluster.partition];
        auto fill = backendColor(partition);
        fill.setAlpha(40);
        QPainterPath outline;
        outline.addRoundedRect(cluster.box, 10, 10);
        auto* area =
            addPath(outline, QPen(backendColor(partition).darker(130), 1, Qt::DashLine), fill);
        area->setZValue(-1);
        auto text = partitionLabel(graph, cluster.partition);
        if (!partition.target.empty()) text += " (" + partition.target + ")";
        auto* title = addSimpleText(QString::fromStdString(text));
        auto font = title->font();
        font.setPointSizeF(8);
        font.setBold(true);
        title->setFont(font);
        title->setBrush(ink_.titleOf(backendColor(partition)));
        title->setPos(cluster.box.topLeft() + QPointF(8, 4));
        clusterTitles_.push_back(title->sceneBoundingRect());
        title->setZValue(-1);
    }
}

void GraphScene::addTerminals(const Graph& graph, const SceneLayout& layout) {
    for (const auto& terminal : layout.terminals) {
        QPainterPath pill;
        const auto radius = terminal.box.height() / 2;
        pill.addRoundedRect(terminal.box, radius, radius);
        auto* item = addPath(pill, QPen(QColor(0x50, 0x50, 0x50), 1),
                             terminal.input ? QColor(0xe8, 0xf5, 0xe9) : QColor(0xfd, 0xec, 0xea));
        item->setZValue(1);
        const auto* value = graph.value(terminal.value);
        auto text = QString(terminal.input ? "input" : "output");
        if (value) text += " " + QString::fromStdString(value->typeText());
        item->setToolTip(value ? QString::fromStdString(value->name) + "\n" + text : text);
        QFont font;
        font.setPointSizeF(7.5);
        // The text stays inside the pill whatever the engine sized it for: long names elide.
        const QFontMetricsF metrics(font);
        const auto room = std::max(10.0, terminal.box.width() - terminal.box.height());
        auto* label = addSimpleText(metrics.elidedText(text, Qt::ElideMiddle, room), font);
        const auto size = label->boundingRect().size();
        label->setPos(terminal.box.center() - QPointF(size.width() / 2, size.height() / 2));
        label->setZValue(2);
        terminalLabels_.emplace_back(terminal.box, label);
    }
}

NodeItem* GraphScene::nodeItem(std::size_t node) const {
    return node < nodes_.size() ? nodes_[node] : nullptr;
}

void GraphScene::setEdgeLabelsVisible(bool visible) {
    labelsVisible_ = visible;
    for (auto* label : labels_)
        label->setVisible(visible);
}

std::ptrdiff_t GraphScene::selectedNode() const {
    for (auto* item : selectedItems())
        if (item->type() == NodeItem::Type)
            return static_cast<std::ptrdiff_t>(static_cast<NodeItem*>(item)->node());
    return -1;
}

void GraphScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) {
    for (auto* item : items(event->scenePos())) {
        if (item->type() != NodeItem::Type) continue;
        emit nodeActivated(static_cast<NodeItem*>(item)->node());
        event->accept();
        return;
    }
    QGraphicsScene::mouseDoubleClickEvent(event);
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    if (event->button() == Qt::LeftButton)
        for (auto* item : items(event->scenePos())) {
            if (item->type() != NodeItem::Type) continue;
            auto* node = static_cast<NodeItem*>(item);
            if (!node->hasChildGraph() || !node->toggleRect().contains(event->scenePos())) break;
            emit nodeToggleRequested(node->node());
            event->accept();
            return;
        }
    QGraphicsScene::mousePressEvent(event);
}

void GraphScene::contextMenuEvent(QGraphicsSceneContextMenuEvent* event) {
    for (auto* item : items(event->scenePos())) {
        if (item->type() != NodeItem::Type) continue;
        emit nodeMenuRequested(static_cast<NodeItem*>(item)->node(), event->screenPos());
        event->accept();
        return;
    }
    QGraphicsScene::contextMenuEvent(event);
}

} // namespace pteron
