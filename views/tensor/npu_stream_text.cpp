#include "views/tensor/npu_stream_text.hpp"

#include <QLocale>

#include <algorithm>

#include <string_view>

namespace pteron {

namespace {

constexpr std::string_view kNpuPrefix = "ethosu.";
// One scale record per output channel: bias, scale and shift in 10 bytes on every Ethos-U.
constexpr std::uint64_t kScaleRecordBytes = 10;

bool isWeightPort(std::string_view port) {
    return port.starts_with("weights");
}
bool isScalePort(std::string_view port) {
    return port.starts_with("scales");
}

// The depth of the operation's output feature map, its output channels.
std::optional<std::int64_t> outputChannels(const Graph& graph, const Node& node) {
    for (const auto& operand : node.outputs) {
        const auto* value = graph.value(operand.value);
        if (value && value->hasShape && !value->shape.empty() && value->shape.back() > 0)
            return value->shape.back();
    }
    return std::nullopt;
}

QString number(std::uint64_t count) {
    return QLocale(QLocale::English).toString(static_cast<qulonglong>(count));
}

} // namespace

namespace {

std::optional<NpuStreamUse> directStreamUse(const Graph& graph, std::int64_t value) {
    for (const auto& node : graph.nodes) {
        if (!std::string_view(node.op).starts_with(kNpuPrefix)) continue;
        NpuStreamUse use{&node};
        for (const auto& operand : node.inputs) {
            if (operand.value != value) continue;
            use.weights = use.weights || isWeightPort(operand.name);
            use.scales = use.scales || isScalePort(operand.name);
        }
        if (use.weights || use.scales) return use;
    }
    return std::nullopt;
}

} // namespace

std::optional<NpuStreamUse> npuStreamUse(const Graph& graph, std::int64_t value) {
    if (auto use = directStreamUse(graph, value)) return use;
    // A stream kept in flash is first copied to SRAM by a DMA: its source is the same stream.
    for (const auto& node : graph.nodes) {
        if (node.op != "ethosu.DMA") continue;
        const bool reads =
            std::any_of(node.inputs.begin(), node.inputs.end(), [&](const Operand& operand) {
                return operand.value == value && operand.name == "source";
            });
        if (!reads) continue;
        for (const auto& operand : node.outputs)
            if (auto use = directStreamUse(graph, operand.value)) return use;
    }
    return std::nullopt;
}

QString npuStreamText(const Graph& graph, const Value& value, const NpuStreamUse& use) {
    // A copy in SRAM has no bytes in the file; its size is its one dimension.
    const auto bytes = value.data.empty() ? value.elementCount() : value.data.size();
    const auto channels = outputChannels(graph, *use.node);
    const auto op = QString::fromStdString(use.node->op);
    const auto reader =
        QString::fromStdString(use.node->name.empty() ? use.node->op : use.node->name);
    const auto what = use.weights && use.scales ? QString("weight and scale streams")
                      : use.weights             ? QString("weight stream")
                                                : QString("scale stream");
    auto text = QString("Ethos-U %1: encoded, %2 bytes, not a tensor.").arg(what, number(bytes));
    if (use.weights)
        text += " Vela compresses the weights (palette and Golomb-Rice codes) in the order the "
                "NPU reads them; decoded weights are per output channel.";
    if (use.scales)
        text += QString(" Each output channel has a %1-byte record of bias, scale and shift.")
                    .arg(kScaleRecordBytes);
    if (channels)
        text += QString(" %1 (%2) writes %3 output channels.")
                    .arg(reader, op, number(static_cast<std::uint64_t>(*channels)));
    return text;
}
} // namespace pteron
