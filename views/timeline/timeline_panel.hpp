// The timeline of an ETDump: a choice of run above the run's timeline view.
#pragma once

#include "core/model.hpp"
#include "views/timeline/timeline_view.hpp"

#include <QWidget>

#include <functional>
#include <memory>

class QComboBox;

namespace pteron {

class TimelinePanel : public QWidget {
    Q_OBJECT
  public:
    // What clicking a bar of run graph `run` selects.
    using RunBarTarget =
        std::function<std::optional<SelectionTarget>(std::size_t run, const TimelineBar&)>;

    // Shows the run with the most timed events of `etdump` first.
    TimelinePanel(std::shared_ptr<const Model> etdump, SelectionModel& selection,
                  RunBarTarget target, QWidget* parent = nullptr);

    TimelineView* view() const { return view_; }
    // Index of the shown run in the ETDump's graphs.
    std::size_t run() const { return run_; }
    void showRun(std::size_t run);

  private:
    std::shared_ptr<const Model> etdump_;
    SelectionModel& selection_;
    RunBarTarget target_;
    QComboBox* runs_;
    TimelineView* view_ = nullptr;
    std::size_t run_ = 0;
};

// Clicking a bar of a standalone ETDump selects the event's own node.
TimelinePanel::RunBarTarget eventNodeTarget();

} // namespace pteron
