#include "views/panels/vela_panel.hpp"

#include "views/panels/report_table_model.hpp"
#include "views/panels/vela_layer_rows.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pteron {

VelaPanel::VelaPanel(QWidget* parent)
    : QWidget(parent), empty_(new QLabel(tr("This file carries no Vela report."), this)),
      table_(new QTreeWidget(this)), layers_(new QTreeView(this)),
      sorted_(new QSortFilterProxyModel(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(empty_);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(table_);
    split->addWidget(layers_);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    table_->setObjectName("velaTable");
    table_->setRootIsDecorated(false);
    table_->setHeaderLabels({tr("Key"), tr("Value")});
    table_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    sorted_->setSortRole(ReportTableModel::kSortRole);
    layers_->setObjectName("velaLayers");
    layers_->setRootIsDecorated(false);
    layers_->setUniformRowHeights(true);
    layers_->setModel(sorted_);
    layers_->setSortingEnabled(true);
    layers_->sortByColumn(-1, Qt::AscendingOrder); // report order until a header is clicked
    layers_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(layers_, &QTreeView::clicked, this, &VelaPanel::onLayerActivated);
    connect(layers_, &QTreeView::activated, this, &VelaPanel::onLayerActivated);
}

int VelaPanel::entryCount() const {
    return table_->topLevelItemCount();
}

bool VelaPanel::hasReport() const {
    return table_->topLevelItemCount() > 0 || sorted_->rowCount() > 0;
}

void VelaPanel::setDocument(ModelDocument* document) {
    document_ = document;
    table_->clear();
    auto* previous = sorted_->sourceModel();
    sorted_->setSourceModel(nullptr);
    delete previous;
    if (document) {
        fillSummary();
        fillLayers();
    }
    empty_->setVisible(!hasReport());
    table_->setVisible(table_->topLevelItemCount() > 0);
    layers_->setVisible(sorted_->rowCount() > 0);
}

void VelaPanel::fillSummary() {
    for (const auto& attribute : document_->model().metadata) {
        if (!attribute.name.starts_with("vela.")) continue;
        new QTreeWidgetItem(table_, {QString::fromStdString(attribute.name.substr(5)),
                                     QString::fromStdString(toString(attribute.value, 64))});
    }
}

void VelaPanel::fillLayers() {
    auto rows = velaLayerRows(document_->model());
    if (rows.rows.empty()) return;
    sorted_->setSourceModel(
        new ReportTableModel(std::move(rows), std::string(kMatchedNodeColumn), sorted_));
}

// Rows no node was matched to stay unlinked; their tooltip says so.
void VelaPanel::onLayerActivated(const QModelIndex& index) {
    const auto* rows = qobject_cast<const ReportTableModel*>(sorted_->sourceModel());
    if (!document_ || !rows || !index.isValid()) return;
    const auto node =
        matchedNode(document_->model(), rows->nodeOf(sorted_->mapToSource(index).row()));
    if (node) document_->selection().select(*node);
}

} // namespace pteron
