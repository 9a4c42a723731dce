#include "app/gui/document_tab.hpp"

#include <QVBoxLayout>

namespace pteron {

DocumentTab::DocumentTab(std::shared_ptr<const Model> model, const QString& path,
                         LayoutEngine engine, QWidget* parent)
    : QWidget(parent), document_(new ModelDocument(std::move(model), path, this)),
      graph_(new GraphPanel(*document_, std::move(engine), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(graph_);
}

// The graph panel refers to the document, so it goes first.
DocumentTab::~DocumentTab() {
    delete graph_;
}

} // namespace pteron
