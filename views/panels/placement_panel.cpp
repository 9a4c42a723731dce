#include "views/panels/placement_panel.hpp"

#include "adapters/common/placement_figures.hpp"
#include "views/graph/backend_colors.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pteron {

PlacementPanel::PlacementPanel(QWidget* parent)
    : QWidget(parent), summary_(new QLabel(this)), table_(new QTreeWidget(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    summary_->setObjectName("placementSummary");
    layout->addWidget(summary_);
    layout->addWidget(table_, 1);
    table_->setObjectName("placementTable");
    table_->setRootIsDecorated(false);
    table_->setHeaderLabels({tr("Graph"), tr("Backend"), tr("Device"), tr("Operators"), tr("Share"),
                             tr("MACs"), tr("Calls")});
    table_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->headerItem()->setToolTip(
        6, tr("Delegate and control-flow nodes whose child graphs were decoded; the operators "
              "of their child graphs are counted in this row"));
}

QString PlacementPanel::summaryText() const {
    return summary_->text();
}

void PlacementPanel::setDocument(ModelDocument* document) {
    table_->clear();
    summary_->clear();
    if (!document) return;
    const auto summary = summarisePlacement(document->model());
    auto text = tr("%1 operators, %2 on NPU (%3 %)")
                    .arg(summary.operators)
                    .arg(summary.npuOperators)
                    .arg(summary.npuShare() * 100.0, 0, 'f', 1);
    if (summary.macs > 0)
        text += tr(" · %1 MACs, %2 % on NPU")
                    .arg(QLocale().toString(summary.macs, 'f', 0))
                    .arg(summary.npuMacShare() * 100.0, 0, 'f', 1);
    summary_->setText(text);
    for (const auto& row : summary.rows) {
        const auto device = deviceClassName(row.device);
        auto* item = new QTreeWidgetItem(
            table_, {QString::fromStdString(row.graph), QString::fromStdString(row.backend),
                     QString::fromUtf8(device.data(), qsizetype(device.size())),
                     QString::number(row.operators),
                     QString("%1 %").arg(summary.share(row) * 100, 0, 'f', 1),
                     row.macs ? QLocale().toString(*row.macs, 'f', 0) : QString("—"),
                     row.calls ? QString::number(row.calls) : QString()});
        Partition colourOf;
        colourOf.backend = row.backend;
        colourOf.device = row.device;
        item->setBackground(1, backendColor(colourOf));
        item->setForeground(1, textColorOn(backendColor(colourOf)));
    }
}

} // namespace pteron
