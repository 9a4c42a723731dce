#include "views/graph/legend_bar.hpp"

#include "views/graph/backend_colors.hpp"
#include "views/graph/flow_layout.hpp"
#include "views/graph/node_placement.hpp"
#include "views/graph/operation_kind_colors.hpp"

#include <QHBoxLayout>
#include <QLabel>

#include <map>
#include <utility>

namespace pteron {

namespace {
QString deviceText(DeviceClass device) {
    const auto name = deviceClassName(device);
    return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}
} // namespace

LegendBar::LegendBar(QWidget* parent) : QWidget(parent), layout_(new FlowLayout(this, 12)) {
    layout_->setContentsMargins(6, 2, 6, 2);
    // A long legend wraps onto more rows rather than widening the window.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

// A swatch and its text, kept together on one row.
void LegendBar::addEntry(const QColor& fill, const QString& text) {
    auto* entry = new QWidget(this);
    entry->setObjectName("legendEntry");
    auto* row = new QHBoxLayout(entry);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);
    auto* swatch = new QLabel(entry);
    swatch->setFixedSize(14, 14);
    swatch->setStyleSheet(
        QString("background:%1; border:1px solid #666; border-radius:3px;").arg(fill.name()));
    row->addWidget(swatch);
    row->addWidget(new QLabel(text, entry));
    layout_->addWidget(entry);
}

// One swatch per kind of NPU operation drawn, in its backend's shade of that kind.
void LegendBar::addOperationKinds(const Graph& graph) {
    kinds_.clear();
    std::map<std::string_view, QColor> shades;
    for (const auto& node : graph.nodes) {
        const auto kind = npuOperationKind(node);
        if (kind.empty() || shades.count(kind)) continue;
        shades[kind] = operationKindColor(backendColor(nodePlacement(graph, node)), kind);
    }
    for (const auto& [kind, fill] : shades) {
        const auto name = QString::fromUtf8(kind.data(), static_cast<qsizetype>(kind.size()));
        addEntry(fill, name);
        kinds_[name] = fill;
    }
}

void LegendBar::showGraph(const Graph& graph) {
    while (layout_->count() > 0) {
        auto* item = layout_->takeAt(0);
        delete item->widget();
        delete item;
    }
    entries_ = 0;
    // One entry per backend and device, however many partitions share them.
    std::map<std::pair<std::string, DeviceClass>, std::pair<std::size_t, std::size_t>> groups;
    for (std::size_t p = 0; p < graph.partitions.size(); ++p) {
        const auto count = graph.nodeCount(p);
        if (count == 0) continue;
        auto& group = groups[{graph.partitions[p].backend, graph.partitions[p].device}];
        if (group.second == 0) group.first = p;
        group.second += count;
    }
    for (const auto& [key, group] : groups) {
        const auto& partition = graph.partitions[group.first];
        addEntry(backendColor(partition),
                 QString("%1 (%2) %3")
                     .arg(QString::fromStdString(partition.backend), deviceText(partition.device),
                          QString::number(group.second)));
        ++entries_;
    }
    addOperationKinds(graph);
}

} // namespace pteron
