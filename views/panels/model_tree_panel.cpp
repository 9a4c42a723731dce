#include "views/panels/model_tree_panel.hpp"

#include "views/panels/model_tree_model.hpp"

#include <QHeaderView>
#include <QTreeView>
#include <QVBoxLayout>

namespace pteron {

ModelTreePanel::ModelTreePanel(QWidget* parent) : QWidget(parent), tree_(new QTreeView(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tree_);
    tree_->setObjectName("modelTree");
    tree_->setUniformRowHeights(true); // keeps trees of many thousand operators fast
    tree_->header()->setSectionResizeMode(QHeaderView::Interactive);
}

void ModelTreePanel::setDocument(ModelDocument* document) {
    if (document_) disconnect(&document_->selection(), nullptr, this, nullptr);
    document_ = document;
    auto* old = model_;
    model_ = document ? new ModelTreeModel(document->model(), this) : nullptr;
    tree_->setModel(model_);
    delete old;
    if (!document) return;
    tree_->expandToDepth(0);
    tree_->setColumnWidth(0, 240);
    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                if (syncing_ || !document_ || !model_) return;
                const auto target = model_->targetAt(current);
                if (target.kind != SelectionTarget::Kind::None)
                    document_->selection().select(target);
            });
    connect(&document->selection(), &SelectionModel::changed, this,
            &ModelTreePanel::onSelectionChanged);
    onSelectionChanged(document->selection().current());
}

void ModelTreePanel::onSelectionChanged(const SelectionTarget& target) {
    if (!model_) return;
    const auto index = model_->indexOf(target);
    if (!index.isValid()) return;
    syncing_ = true;
    tree_->setCurrentIndex(index);
    tree_->scrollTo(index);
    syncing_ = false;
}

} // namespace pteron
