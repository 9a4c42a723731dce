#include "app/gui/document_tab.hpp"

#include "parsers/etdump/etdump_file.hpp"

#include <QApplication>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace pteron {

DocumentTab::DocumentTab(std::shared_ptr<const Model> model, const QString& path,
                         LayoutEngine engine, QWidget* parent)
    : QWidget(parent), document_(new ModelDocument(model, path, this)),
      graph_(new GraphPanel(*document_, std::move(engine), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (model->format == kEtdumpFormat && busiestRun(*model)) {
        timeline_ = new TimelinePanel(model, document_->selection(), eventNodeTarget(), this);
        views_ = new QTabWidget(this);
        views_->setObjectName("documentViews");
        views_->setDocumentMode(true);
        views_->setTabPosition(QTabWidget::South);
        views_->addTab(timeline_, tr("Timeline"));
        views_->addTab(graph_, tr("Graph"));
        layout->addWidget(views_);
        return;
    }
    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->addWidget(graph_);
    layout->addWidget(splitter_);
}

// The graph and timeline panels refer to the document, so they go first.
DocumentTab::~DocumentTab() {
    delete timeline_;
    delete graph_;
}

void DocumentTab::attachTimeline(std::shared_ptr<const Model> etdump,
                                 TimelinePanel::RunBarTarget target) {
    if (!splitter_) return;
    delete timeline_;
    timeline_ =
        new TimelinePanel(std::move(etdump), document_->selection(), std::move(target), this);
    splitter_->addWidget(timeline_);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 1);
}

TimelineView* DocumentTab::activeTimeline() const {
    if (!timeline_) return nullptr;
    if (views_) return views_->currentWidget() == timeline_ ? timeline_->view() : nullptr;
    const auto* focus = QApplication::focusWidget();
    return focus && timeline_->isAncestorOf(focus) ? timeline_->view() : nullptr;
}

} // namespace pteron
