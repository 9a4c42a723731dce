#include "views/graph/graph_edges.hpp"

#include <unordered_map>

namespace pteron {

std::vector<GraphEdge> graphEdges(const Graph& graph) {
    std::unordered_map<std::int64_t, std::size_t> producer;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
        for (const auto& output : graph.nodes[i].outputs)
            if (output.value != kAbsentValue) producer.emplace(output.value, i);

    std::vector<GraphEdge> edges;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        for (const auto& input : graph.nodes[i].inputs) {
            auto it = producer.find(input.value);
            if (it == producer.end() || it->second == i) continue;
            edges.push_back({it->second, i, input.value});
        }
    }
    return edges;
}

} // namespace pteron
