#include "views/placement_summary.hpp"

#include "views/op_macs.hpp"

#include <array>
#include <map>
#include <utility>

namespace pteron {

std::optional<double> nodeMacs(const Node& node) {
    static constexpr std::array<std::string_view, 3> kNames{"macs", "ethosu.macs", "vela.macs"};
    for (auto name : kNames) {
        const auto* attribute = findAttribute(node.attributes, name);
        if (!attribute) continue;
        if (const auto* integer = std::get_if<std::int64_t>(&attribute->value))
            return double(*integer);
        if (const auto* real = std::get_if<double>(&attribute->value)) return *real;
    }
    return std::nullopt;
}

std::optional<double> operatorMacs(const Graph& graph, const Node& node) {
    if (auto recorded = nodeMacs(node)) return recorded;
    return estimateMacs(graph, node);
}

PlacementSummary summarisePlacement(const Model& model) {
    PlacementSummary summary;
    for (const auto& graph : model.graphs) {
        // One row per backend and device of the graph, however many partitions share them.
        std::map<std::pair<std::string, DeviceClass>, BackendShare> rows;
        for (const auto& node : graph.nodes) {
            if (node.partition >= graph.partitions.size()) continue;
            const auto& partition = graph.partitions[node.partition];
            auto& row = rows[{partition.backend, partition.device}];
            row.graph = graph.id;
            row.backend = partition.backend;
            row.device = partition.device;
            // A call whose payload was decoded is counted through the operations it runs.
            if (!node.childGraphs.empty()) {
                ++row.calls;
                continue;
            }
            ++row.operators;
            ++summary.operators;
            const bool npu = row.device == DeviceClass::NPU;
            if (npu) ++summary.npuOperators;
            const auto macs = operatorMacs(graph, node);
            if (!macs) continue;
            row.macs = row.macs.value_or(0) + *macs;
            summary.macs += *macs;
            if (npu) summary.npuMacs += *macs;
        }
        for (auto& [key, row] : rows)
            summary.rows.push_back(std::move(row));
    }
    return summary;
}

} // namespace pteron
