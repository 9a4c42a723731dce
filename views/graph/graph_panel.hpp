// The graph tab of a document: breadcrumb, graph view, legend, layout progress and view options.
#pragma once

#include "views/graph/display_graph.hpp"
#include "views/graph/graph_layout.hpp"
#include "views/model_document.hpp"

#include <QPoint>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QHBoxLayout;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QThread;
class QToolButton;

namespace pteron {

class GraphScene;
class GraphView;
class LegendBar;

class GraphPanel : public QWidget {
    Q_OBJECT
  public:
    GraphPanel(ModelDocument& document, LayoutEngine engine, QWidget* parent = nullptr);
    ~GraphPanel() override;

    // Shows a model graph; the breadcrumb follows its chain of parent graphs.
    void showGraph(std::size_t graph);
    std::size_t currentGraph() const { return graph_; }
    bool isLayoutRunning() const { return !jobs_.empty(); }
    // Stops waiting for the running layout and shows the layered layout instead.
    void cancelLayout();
    void setHorizontal(bool horizontal);
    void setEdgeLabelsVisible(bool visible);
    // Opens the first child graph of a node of the graph on show (a delegate payload, a region).
    bool openChildGraph(std::size_t node);
    // Draws the first child graph of every delegate/region node inline instead of as one box.
    void setExpandInPlace(bool expand);
    // Draws `child` (one of the node's child graphs) in place of the node; nullopt collapses it.
    void setNodeExpanded(std::size_t node, std::optional<std::size_t> child);
    std::optional<std::size_t> expandedChild(std::size_t node) const;
    // Expands a drawn node of the shown graph into its first child graph, or collapses it; a
    // layer group opens into its operations.
    void toggleExpanded(std::size_t drawn);
    // Draws each layer of a command stream as one node (the default) or operation by operation.
    void setLayersGrouped(bool grouped);
    bool layersGrouped() const { return displayOptions_.groupLayers; }
    // Draws one layer operation by operation (expanded) or as one node.
    void setLayerExpanded(const LayerKey& layer, bool expanded);
    // Steps through what was shown (graphs opened, nodes and layers expanded); false when
    // there is nothing further back or forward.
    bool goBack();
    bool goForward();
    // The context menu of a drawn node: expand/collapse in place, open each child graph alone.
    // The caller owns the menu.
    QMenu* nodeMenu(std::size_t drawn);
    // What is drawn: item i of the scene is node i of the display graph.
    const DisplayGraph* displayGraph() const { return display_.get(); }
    // The scene item index of a model node, when it is drawn.
    std::optional<std::size_t> drawnIndex(std::size_t graph, std::size_t node) const;

    GraphScene* scene() const { return scene_; }
    LegendBar* legend() const { return legend_; }
    GraphView* view() const { return view_; }
    QString layoutEngineName() const { return engineName_; }
    QString statusText() const;

  signals:
    void layoutFinished();
    void graphShown(std::size_t graph);

  protected:
    // A new system palette (light or dark theme) redraws the graph in its colours.
    void changeEvent(QEvent* event) override;

  private:
    struct ViewState {
        std::size_t graph = 0;
        ExpandedNodes expanded;
        DisplayOptions options;
        bool operator==(const ViewState& other) const {
            return graph == other.graph && expanded == other.expanded &&
                   options.groupLayers == other.options.groupLayers &&
                   options.expandedLayers == other.options.expandedLayers;
        }
    };
    // Records the state just set in the history, then lays it out.
    void navigate();
    void restore(const ViewState& state);
    void buildToolbar(QHBoxLayout* bar);
    void startLayout();
    void stopJobs();
    void applyLayout(const SceneLayout& layout);
    void rebuildBreadcrumb();
    void syncButton(const char* name, bool checked);
    void onSelectionChanged(const SelectionTarget& target);
    void onSceneSelection();
    void onNodeActivated(std::size_t drawn);
    void showSelectedNode();
    ExpandedNodes expandedNodes() const;
    void onNodeMenuRequested(std::size_t drawn, QPoint screen);
    void openGraph(std::size_t child);
    QString graphTitle(std::size_t graph) const;

    struct Job {
        QThread* thread;
        std::shared_ptr<std::atomic<bool>> cancel;
    };

    ModelDocument& document_;
    LayoutEngine engine_;
    LayoutSettings settings_;
    std::size_t graph_ = 0;
    ExpandedNodes expanded_; // nodes of graph_ drawn as one of their child graphs
    DisplayOptions displayOptions_;
    std::vector<ViewState> history_;
    std::size_t historyAt_ = 0;
    std::shared_ptr<const DisplayGraph> display_; // matches the scene's items
    std::shared_ptr<const DisplayGraph> pending_; // what the newest job lays out
    std::uint64_t generation_ = 0;
    std::vector<Job> jobs_;
    bool applyingSelection_ = false;
    bool selectingFromScene_ = false;
    QString engineName_;

    QHBoxLayout* breadcrumb_;
    GraphScene* scene_;
    GraphView* view_;
    LegendBar* legend_;
    QWidget* progress_;
    QLabel* status_;
    QPushButton* retry_;
};

} // namespace pteron
