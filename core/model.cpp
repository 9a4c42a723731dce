#include "core/model.hpp"

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

std::uint64_t Model::constantBytes() const {
    std::uint64_t total = 0;
    for (const auto& graph : graphs)
        for (const auto& value : graph.values)
            total += value.data.size();
    return total;
}

} // namespace pteron
