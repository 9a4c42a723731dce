#include "adapters/model_explorer/node_data_overlay.hpp"

#include "adapters/model_explorer/node_ids.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>

namespace pteron {

namespace {

std::optional<double> numericValue(const AttributeValue& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value))
        return static_cast<double>(*integer);
    if (const auto* real = std::get_if<double>(&value)) return *real;
    return std::nullopt;
}

// Measures decoders name without a namespace; other plain names are parameters (stride, axis).
constexpr std::array<std::string_view, 3> kPlainMeasures{"macs", "cycles", "duration"};

bool isMetricName(std::string_view name) {
    if (std::find(kPlainMeasures.begin(), kPlainMeasures.end(), name) != kPlainMeasures.end())
        return true;
    const auto dot = name.find('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < name.size();
}

// Keeps integers integral in the JSON so counts read as counts.
nlohmann::json resultValue(const AttributeValue& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
    return *numericValue(value);
}

nlohmann::json gradient(bool lowIsHot) {
    const char* low = lowIsHot ? "#e53935" : "#ffffff";
    const char* high = lowIsHot ? "#ffffff" : "#e53935";
    return nlohmann::json::array({
        {{"stop", 0}, {"bgColor", low}},
        {{"stop", 0.5}, {"bgColor", "#ffd54f"}},
        {{"stop", 1}, {"bgColor", high}},
    });
}

} // namespace

std::map<std::string, std::size_t> overlayMetrics(const Model& model) {
    std::map<std::string, std::size_t> metrics;
    for (const auto& graph : model.graphs)
        for (const auto& node : graph.nodes)
            for (const auto& attribute : node.attributes)
                if (isMetricName(attribute.name) && numericValue(attribute.value))
                    ++metrics[attribute.name];
    return metrics;
}

nlohmann::json nodeDataOverlay(const Model& model, std::string_view metric, bool lowIsHot) {
    auto overlay = nlohmann::json::object();
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        const auto& graph = model.graphs[g];
        auto results = nlohmann::json::object();
        for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
            const auto* attribute = findAttribute(graph.nodes[n].attributes, metric);
            if (attribute && numericValue(attribute->value))
                results[meNodeId(g, n)] = {{"value", resultValue(attribute->value)}};
        }
        if (results.empty()) continue;
        overlay[graph.id] = {{"name", std::string(metric)},
                             {"results", std::move(results)},
                             {"gradient", gradient(lowIsHot)}};
    }
    if (overlay.empty())
        throw std::invalid_argument("no node carries the numeric attribute " + std::string(metric));
    return overlay;
}

} // namespace pteron
