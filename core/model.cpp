#include "core/model.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace pteron {

std::size_t Model::addGraph(Graph graph) {
    graphs.push_back(std::move(graph));
    return graphs.size() - 1;
}

const Graph* Model::findGraph(std::string_view id) const {
    for (const auto& graph : graphs)
        if (graph.id == id) return &graph;
    return nullptr;
}

const ReportTable* Model::findReportTable(std::string_view name) const {
    for (const auto& table : reportTables)
        if (table.name == name) return &table;
    return nullptr;
}

std::vector<std::size_t> Model::topLevelGraphs() const {
    std::vector<std::size_t> result;
    for (std::size_t i = 0; i < graphs.size(); ++i)
        if (!graphs[i].parent) result.push_back(i);
    return result;
}

std::optional<PartitionRef> Model::sourcePartition(const Graph& graph) const {
    if (!graph.parent || *graph.parent >= graphs.size()) return std::nullopt;
    const auto& parent = graphs[*graph.parent];
    for (std::size_t i = 0; i < parent.partitions.size(); ++i) {
        const auto& child = parent.partitions[i].childGraph;
        if (child && *child < graphs.size() && &graphs[*child] == &graph)
            return PartitionRef{*graph.parent, i};
    }
    return std::nullopt;
}

std::uint64_t Model::constantBytes() const {
    // Tensors may share one buffer (or overlap), so the byte ranges are merged before summing.
    std::vector<std::pair<const std::byte*, const std::byte*>> ranges;
    for (const auto& graph : graphs)
        for (const auto& value : graph.values)
            if (!value.data.empty())
                ranges.emplace_back(value.data.bytes().data(),
                                    value.data.bytes().data() + value.data.size());
    std::sort(ranges.begin(), ranges.end(), [](const auto& left, const auto& right) {
        return std::less<>()(left.first, right.first) ||
               (left.first == right.first && std::less<>()(left.second, right.second));
    });
    std::uint64_t total = 0;
    const std::byte* coveredEnd = nullptr;
    for (const auto& [begin, end] : ranges) {
        const auto* start = coveredEnd && std::less<>()(begin, coveredEnd) ? coveredEnd : begin;
        if (std::less<>()(start, end)) {
            total += static_cast<std::uint64_t>(end - start);
            coveredEnd = end;
        }
    }
    return total;
}

} // namespace pteron
