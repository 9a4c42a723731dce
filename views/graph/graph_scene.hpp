// The scene of one graph: node boxes and edges placed by a layout, with optional edge labels.
#pragma once

#include "core/graph.hpp"
#include "views/graph/graph_layout.hpp"
#include "views/graph/scene_ink.hpp"

#include <QGraphicsScene>
#include <QPoint>

#include <utility>
#include <vector>

namespace pteron {

class NodeItem;

class GraphScene : public QGraphicsScene {
    Q_OBJECT
  public:
    // Above this many nodes items are drawn simply and edges share one path.
    static constexpr std::size_t kLargeGraph = 2000;

    explicit GraphScene(QObject* parent = nullptr) : QGraphicsScene(parent) {}

    // The palette-derived colours the next build() draws with.
    void setInk(const SceneInk& ink) { ink_ = ink; }
    const SceneInk& ink() const { return ink_; }
    // Items numbered like graph.nodes.
    void build(const Graph& graph, const SceneLayout& layout);
    NodeItem* nodeItem(std::size_t node) const;
    std::size_t nodeCount() const { return nodes_.size(); }
    void setEdgeLabelsVisible(bool visible);
    bool edgeLabelsVisible() const { return labelsVisible_; }
    // Large graphs get no edge labels: thousands of them would only hide the graph.
    bool edgeLabelsAvailable() const { return !large_; }
    const std::vector<QGraphicsItem*>& edgeLabels() const { return labels_; }
    // Each graph input/output marker's box with its text item.
    const std::vector<std::pair<QRectF, QGraphicsItem*>>& terminalLabels() const {
        return terminalLabels_;
    }
    // The node whose item is selected, or -1.
    std::ptrdiff_t selectedNode() const;

  signals:
    void nodeActivated(std::size_t node);
    void nodeMenuRequested(std::size_t node, QPoint screenPos);
    void nodeToggleRequested(std::size_t node);

  protected:
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent* event) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;

  private:
    class Occupancy;
    void addEdgeLabel(const QString& text, const std::vector<QPointF>& line, Occupancy& occupied);
    void addEdges(const Graph& graph, const SceneLayout& layout, bool large);
    void addClusters(const Graph& graph, const SceneLayout& layout);
    void addTerminals(const Graph& graph, const SceneLayout& layout);

    std::vector<NodeItem*> nodes_;
    std::vector<QGraphicsItem*> labels_;
    std::vector<std::pair<QRectF, QGraphicsItem*>> terminalLabels_;
    std::vector<QRectF> clusterTitles_; // kept clear of edge labels
    SceneInk ink_;
    bool labelsVisible_ = true;
    bool large_ = false;
};

} // namespace pteron
