#include "views/vela_panel.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pteron {

VelaPanel::VelaPanel(QWidget* parent)
    : QWidget(parent), empty_(new QLabel(tr("This file carries no Vela report."), this)),
      table_(new QTreeWidget(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(empty_);
    layout->addWidget(table_, 1);
    table_->setObjectName("velaTable");
    table_->setRootIsDecorated(false);
    table_->setHeaderLabels({tr("Key"), tr("Value")});
    table_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
}

int VelaPanel::entryCount() const {
    return table_->topLevelItemCount();
}

void VelaPanel::setDocument(ModelDocument* document) {
    table_->clear();
    if (document) {
        for (const auto& attribute : document->model().metadata) {
            if (!attribute.name.starts_with("vela.")) continue;
            new QTreeWidgetItem(table_, {QString::fromStdString(attribute.name.substr(5)),
                                         QString::fromStdString(toString(attribute.value, 64))});
        }
    }
    const bool any = table_->topLevelItemCount() > 0;
    empty_->setVisible(!any);
    table_->setVisible(any);
}

} // namespace pteron
