#include "adapters/common/partition_label.hpp"

namespace pteron {

std::string partitionLabel(const Graph& graph, std::size_t partition) {
    if (partition >= graph.partitions.size()) return "unplaced";
    const auto& backend = graph.partitions[partition].backend;
    std::size_t ordinal = 0;
    for (std::size_t i = 0; i < partition; ++i)
        if (graph.partitions[i].backend == backend) ++ordinal;
    return backend + "#" + std::to_string(ordinal);
}

bool hasSeveralPlacements(const Graph& graph) {
    for (const auto& node : graph.nodes)
        if (node.partition != graph.nodes.front().partition) return true;
    return false;
}

} // namespace pteron
