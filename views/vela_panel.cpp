#include "views/vela_panel.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <array>
#include <optional>

namespace pteron {

namespace {

enum Column { Name, Operator, Cycles, Macs, Util };
constexpr int kGraphRole = Qt::UserRole;
constexpr int kNodeRole = Qt::UserRole + 1;

std::optional<double> number(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    if (!attribute) return std::nullopt;
    if (const auto* integer = std::get_if<std::int64_t>(&attribute->value)) return double(*integer);
    if (const auto* real = std::get_if<double>(&attribute->value)) return *real;
    return std::nullopt;
}

} // namespace

VelaPanel::VelaPanel(QWidget* parent)
    : QWidget(parent), empty_(new QLabel(tr("This file carries no Vela report."), this)),
      table_(new QTreeWidget(this)), layers_(new QTreeWidget(this)) {
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
    layers_->setObjectName("velaLayers");
    layers_->setRootIsDecorated(false);
    layers_->setHeaderLabels(
        {tr("Layer"), tr("Vela operator"), tr("Cycles"), tr("MACs"), tr("Util %")});
    layers_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(layers_, &QTreeWidget::itemClicked, this, &VelaPanel::onLayerActivated);
    connect(layers_, &QTreeWidget::itemActivated, this, &VelaPanel::onLayerActivated);
}

int VelaPanel::entryCount() const {
    return table_->topLevelItemCount();
}

bool VelaPanel::hasReport() const {
    return table_->topLevelItemCount() > 0 || layers_->topLevelItemCount() > 0;
}

void VelaPanel::setDocument(ModelDocument* document) {
    document_ = document;
    table_->clear();
    layers_->clear();
    if (document) {
        fillSummary();
        fillLayers();
    }
    const bool any = hasReport();
    empty_->setVisible(!any);
    table_->setVisible(table_->topLevelItemCount() > 0);
    layers_->setVisible(layers_->topLevelItemCount() > 0);
}

void VelaPanel::fillSummary() {
    for (const auto& attribute : document_->model().metadata) {
        if (!attribute.name.starts_with("vela.")) continue;
        new QTreeWidgetItem(table_, {QString::fromStdString(attribute.name.substr(5)),
                                     QString::fromStdString(toString(attribute.value, 64))});
    }
}

// One row per node that Vela's per-layer report was matched to, in execution order.
void VelaPanel::fillLayers() {
    const auto& graphs = document_->model().graphs;
    for (std::size_t g = 0; g < graphs.size(); ++g) {
        for (std::size_t n = 0; n < graphs[g].nodes.size(); ++n) {
            const auto& node = graphs[g].nodes[n];
            const auto cycles = number(node, "vela.cycles");
            const auto macs = number(node, "vela.macs");
            const auto util = number(node, "vela.util");
            if (!cycles && !macs && !util) continue;
            auto* item = new QTreeWidgetItem(layers_);
            item->setText(Name, QString::fromStdString(node.name.empty() ? node.op : node.name));
            item->setToolTip(Name, QString::fromStdString(node.op));
            const auto* nng = findAttribute(node.attributes, "vela.nng_operator");
            if (nng) item->setText(Operator, QString::fromStdString(toString(nng->value, 64)));
            const std::array<std::pair<int, std::optional<double>>, 3> figures{
                {{Cycles, cycles}, {Macs, macs}, {Util, util}}};
            for (const auto& [column, value] : figures) {
                if (!value) continue;
                item->setText(column, column == Util ? QString::number(*value, 'f', 1)
                                                     : QLocale().toString(*value, 'f', 0));
                item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
            }
            item->setData(Name, kGraphRole, qulonglong(g));
            item->setData(Name, kNodeRole, qulonglong(n));
        }
    }
}

void VelaPanel::onLayerActivated(QTreeWidgetItem* item) {
    if (!document_ || !item) return;
    const auto graph = std::size_t(item->data(Name, kGraphRole).toULongLong());
    const auto node = std::size_t(item->data(Name, kNodeRole).toULongLong());
    document_->selection().select({SelectionTarget::Kind::Node, graph, node});
}

} // namespace pteron
