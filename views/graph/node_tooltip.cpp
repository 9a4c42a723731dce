#include "views/graph/node_tooltip.hpp"

#include "adapters/common/kernel_argument_names.hpp"
#include "adapters/common/partition_label.hpp"
#include "adapters/common/placement_figures.hpp"
#include "adapters/layout/node_box.hpp"
#include "adapters/layout/operator_weights.hpp"

#include <QLocale>
#include <QStringList>

namespace pteron {

namespace {

// Operands listed one per line, up to this many; a concatenation of hundreds would fill the
// screen.
constexpr std::size_t kMaxOperands = 12;

QString text(std::string_view view) {
    return QString::fromUtf8(view.data(), static_cast<qsizetype>(view.size()));
}

void addOperands(QStringList& lines, const Graph& graph, const Node& node,
                 const std::vector<Operand>& operands, const QString& heading) {
    if (operands.empty()) return;
    lines << heading;
    for (std::size_t i = 0; i < operands.size() && i < kMaxOperands; ++i) {
        const auto& operand = operands[i];
        const auto* value = graph.value(operand.value);
        const auto name = operand.name.empty()
                              ? QString("#%1").arg(i)
                              : QString::fromStdString(kernelArgumentName(node.op, operand.name));
        lines << QString("  %1: %2").arg(name, value ? text(value->typeText()) : "none");
    }
    if (operands.size() > kMaxOperands)
        lines << QString("  … %1 more").arg(operands.size() - kMaxOperands);
}

} // namespace

QString nodeToolTip(const Graph& graph, const Node& node) {
    QStringList lines;
    const auto title = nodeTitleText(node);
    lines << (title == node.op ? text(node.op) : text(title) + " (" + text(node.op) + ")");
    if (!node.name.empty()) lines << "name: " + text(node.name);
    if (node.partition < graph.partitions.size()) {
        const auto& partition = graph.partitions[node.partition];
        lines << QString("placement: %1 · %2")
                     .arg(text(partitionLabel(graph, node.partition)),
                          text(deviceClassName(partition.device)));
    }
    addOperands(lines, graph, node, node.inputs, "inputs:");
    addOperands(lines, graph, node, node.outputs, "outputs:");
    if (const auto weights = nodeWeightsText(graph, node); !weights.empty())
        lines << "weights: " + text(weights);
    if (const auto macs = operatorMacs(graph, node))
        lines << "MACs: " + QLocale(QLocale::English).toString(static_cast<qlonglong>(*macs));
    return lines.join('\n');
}

} // namespace pteron
