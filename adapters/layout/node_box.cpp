#include "adapters/layout/node_box.hpp"

#include "adapters/layout/operator_weights.hpp"

#include <algorithm>

namespace pteron {

namespace {
constexpr double kCharWidth = 7.5;
constexpr double kPadding = 24.0;
constexpr double kMinWidth = 90.0;
constexpr double kMaxWidth = 360.0;
constexpr double kHeight = 40.0;
constexpr double kWeightsLineHeight = 14.0;
constexpr double kToggleRoom = 20.0;
constexpr double kTerminalHeight = 28.0;
constexpr double kTerminalCharWidth = 5.5; // the markers' text is smaller than the boxes'

// Characters, not bytes: "×" and "→" are one column each.
std::size_t textColumns(std::string_view text) {
    std::size_t columns = 0;
    for (const char c : text)
        columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return columns;
}

const std::string* drawnText(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    return attribute ? std::get_if<std::string>(&attribute->value) : nullptr;
}
} // namespace

std::string nodeTitleText(const Node& node) {
    const auto* title = drawnText(node, kDrawnTitle);
    return title ? *title : node.op;
}

bool isDrawnGroup(const Node& node) {
    return findAttribute(node.attributes, kDrawnGroup) != nullptr;
}

std::string nodeDetailText(const Graph& graph, const Node& node) {
    if (const auto* detail = drawnText(node, kDrawnDetail)) return *detail;
    for (const auto& output : node.outputs)
        if (const auto* value = graph.value(output.value)) return value->typeText();
    return {};
}

BoxSize operationBoxSize(const Graph& graph, const Node& node) {
    const auto weights = nodeWeightsText(graph, node);
    const auto chars = std::max({textColumns(nodeTitleText(node)),
                                 textColumns(nodeDetailText(graph, node)), textColumns(weights)});
    // A node with a child graph keeps room for its expand toggle on either side of the text.
    const double toggle = node.childGraphs.empty() && !isDrawnGroup(node) ? 0.0 : kToggleRoom;
    const double width = std::clamp(static_cast<double>(chars) * kCharWidth + kPadding + toggle,
                                    kMinWidth, kMaxWidth);
    // The weights line, when there is one, is a third line below the output type.
    return {width, weights.empty() ? kHeight : kHeight + kWeightsLineHeight};
}

BoxSize terminalBoxSize(std::string_view text) {
    return {std::max(kMinWidth,
                     static_cast<double>(textColumns(text)) * kTerminalCharWidth + kTerminalHeight),
            kTerminalHeight};
}

} // namespace pteron
