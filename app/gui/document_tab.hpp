// One tab of the main window: an opened document, its graph panel and, for profiles, a timeline.
#pragma once

#include "views/graph/graph_panel.hpp"
#include "views/model_document.hpp"
#include "views/timeline/timeline_panel.hpp"

#include <QWidget>

class QSplitter;
class QTabWidget;

namespace pteron {

class DocumentTab : public QWidget {
    Q_OBJECT
  public:
    // A standalone ETDump opens on its timeline, with the graph of events one tab away.
    DocumentTab(std::shared_ptr<const Model> model, const QString& path, LayoutEngine engine,
                QWidget* parent = nullptr);
    ~DocumentTab() override;

    ModelDocument& document() { return *document_; }
    GraphPanel& graph() { return *graph_; }
    // The ETDump's timeline, or nullptr when the document is a program with no ETDump attached.
    TimelinePanel* timeline() const { return timeline_; }
    // Shows the timeline of `etdump` below the program's graph, replacing an earlier one.
    void attachTimeline(std::shared_ptr<const Model> etdump, TimelinePanel::RunBarTarget target);
    // The timeline view the zoom keys act on: the one in view (standalone) or with the focus.
    TimelineView* activeTimeline() const;

  private:
    ModelDocument* document_;
    GraphPanel* graph_;
    TimelinePanel* timeline_ = nullptr;
    QTabWidget* views_ = nullptr;   // standalone ETDump: timeline and graph
    QSplitter* splitter_ = nullptr; // program: graph above an attached timeline
};

} // namespace pteron
