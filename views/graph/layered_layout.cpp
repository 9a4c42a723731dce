#include "views/graph/layered_layout.hpp"

#include "adapters/layout/layered_layout.hpp"

#include <QFont>
#include <QFontMetricsF>

#include <algorithm>

namespace pteron {

namespace {

constexpr double kTerminalHeight = 28.0;

// The text a terminal shows, as the scene draws it.
QString terminalText(const Graph& graph, std::int64_t value, bool input) {
    auto text = QString(input ? "input" : "output");
    if (const auto* described = graph.value(value))
        text += " " + QString::fromStdString(described->typeText());
    return text;
}

// Boxes as the scene draws them: terminals measured with the scene's font.
LayeredSizes sceneSizes(const Graph& graph) {
    QFont font;
    font.setPointSizeF(7.5);
    const QFontMetricsF metrics(font);
    const auto terminal = [&](std::int64_t value, bool input) {
        return BoxSize{std::max(90.0, metrics.horizontalAdvance(terminalText(graph, value, input)) +
                                          kTerminalHeight),
                       kTerminalHeight};
    };
    LayeredSizes sizes;
    for (const auto value : graph.inputs)
        sizes.inputs.push_back(terminal(value, true));
    for (const auto& node : graph.nodes)
        sizes.nodes.push_back(operationBoxSize(graph, node));
    for (const auto value : graph.outputs)
        sizes.outputs.push_back(terminal(value, false));
    return sizes;
}

} // namespace

SceneLayout layeredLayout(const Graph& graph, const LayoutSettings& settings,
                          const std::atomic<bool>* cancel) {
    return toSceneLayout(graph,
                         layeredGraphLayout(graph, sceneSizes(graph), settings.horizontal, cancel),
                         "layered");
}

} // namespace pteron
