// The graph tab of a document: breadcrumb, graph view, legend, layout progress and view options.
#pragma once

#include "views/display_graph.hpp"
#include "views/graph_layout.hpp"
#include "views/model_document.hpp"

#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QHBoxLayout;
class QLabel;
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
    void cancelLayout();
    void setHorizontal(bool horizontal);
    void setEdgeLabelsVisible(bool visible);
    // Opens the first child graph of a node of the graph on show (a delegate payload, a region).
    bool openChildGraph(std::size_t node);
    // Draws the child graphs of every delegate/region node inline instead of as one box.
    void setExpandInPlace(bool expand);
    // What is drawn: item i of the scene is node i of the display graph.
    const DisplayGraph* displayGraph() const { return display_.get(); }
    // The scene item index of a model node, when it is drawn.
    std::optional<std::size_t> drawnIndex(std::size_t graph, std::size_t node) const;

    GraphScene* scene() const { return scene_; }
    GraphView* view() const { return view_; }
    QString layoutEngineName() const { return engineName_; }

  signals:
    void layoutFinished();
    void graphShown(std::size_t graph);

  private:
    void buildToolbar(QHBoxLayout* bar);
    void startLayout();
    void applyLayout(const SceneLayout& layout);
    void rebuildBreadcrumb();
    void syncButton(const char* name, bool checked);
    void onSelectionChanged(const SelectionTarget& target);
    void onSceneSelection();
    void onNodeActivated(std::size_t drawn);
    void showSelectedNode();
    std::set<std::size_t> expandableNodes() const;

    struct Job {
        QThread* thread;
        std::shared_ptr<std::atomic<bool>> cancel;
    };

    ModelDocument& document_;
    LayoutEngine engine_;
    LayoutSettings settings_;
    std::size_t graph_ = 0;
    bool expandInPlace_ = false;
    std::shared_ptr<const DisplayGraph> display_; // matches the scene's items
    std::uint64_t generation_ = 0;
    std::vector<Job> jobs_;
    bool applyingSelection_ = false;
    QString engineName_;

    QHBoxLayout* breadcrumb_;
    GraphScene* scene_;
    GraphView* view_;
    LegendBar* legend_;
    QWidget* progress_;
    QLabel* status_;
};

} // namespace pteron
