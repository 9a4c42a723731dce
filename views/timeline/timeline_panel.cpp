#include "views/timeline/timeline_panel.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace pteron {

TimelinePanel::TimelinePanel(std::shared_ptr<const Model> etdump, SelectionModel& selection,
                             RunBarTarget target, QWidget* parent)
    : QWidget(parent), etdump_(std::move(etdump)), selection_(selection),
      target_(std::move(target)), runs_(new QComboBox(this)) {
    runs_->setObjectName("timelineRuns");
    for (std::size_t g = 0; g < etdump_->graphs.size(); ++g)
        runs_->addItem(QString::fromStdString(etdump_->graphs[g].id), qulonglong(g));
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Run:"), this));
    bar->addWidget(runs_);
    bar->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    showRun(busiestRun(*etdump_).value_or(0));
    runs_->setCurrentIndex(static_cast<int>(run_));
    connect(runs_, &QComboBox::currentIndexChanged, this,
            [this](int index) { showRun(runs_->itemData(index).toULongLong()); });
}

void TimelinePanel::showRun(std::size_t run) {
    if (run >= etdump_->graphs.size()) return;
    if (view_ && run == run_) return;
    run_ = run;
    auto* old = view_;
    view_ = new TimelineView(
        buildTimeline(etdump_->graphs[run]), selection_,
        [target = target_, run](const TimelineBar& bar) { return target(run, bar); }, this);
    view_->setObjectName("timelineView");
    if (old) {
        layout()->replaceWidget(old, view_);
        delete old;
    } else {
        layout()->addWidget(view_);
    }
}

TimelinePanel::RunBarTarget eventNodeTarget() {
    return [](std::size_t run, const TimelineBar& bar) -> std::optional<SelectionTarget> {
        return SelectionTarget{SelectionTarget::Kind::Node, run, bar.node};
    };
}

} // namespace pteron
