#include "views/graph_layout.hpp"

#include <algorithm>

namespace pteron {

namespace {
constexpr double kCharWidth = 7.5;
constexpr double kPadding = 24.0;
constexpr double kMinWidth = 90.0;
constexpr double kMaxWidth = 360.0;
constexpr double kHeight = 40.0;
constexpr double kToggleRoom = 20.0;
} // namespace

std::string nodeDetailText(const Graph& graph, const Node& node) {
    for (const auto& output : node.outputs)
        if (const auto* value = graph.value(output.value)) return value->typeText();
    return {};
}

QSizeF nodeBoxSize(const Graph& graph, const Node& node) {
    const auto chars = std::max(node.op.size(), nodeDetailText(graph, node).size());
    // A node with a child graph keeps room for its expand toggle on either side of the text.
    const double toggle = node.childGraphs.empty() ? 0.0 : kToggleRoom;
    const double width = std::clamp(static_cast<double>(chars) * kCharWidth + kPadding + toggle,
                                    kMinWidth, kMaxWidth);
    return {width, kHeight};
}

} // namespace pteron
