#include "adapters/common/partition_label.hpp"

namespace pteron {

// Delegate partitions are numbered by their delegate index, as their child graphs are
// ("forward/XnnpackBackend#1"); host partitions count per backend.
std::size_t partitionOrdinal(const Graph& graph, std::size_t partition) {
    if (partition >= graph.partitions.size()) return 0;
    const auto& backend = graph.partitions[partition].backend;
    if (const auto* delegate =
            findAttribute(graph.partitions[partition].attributes, "delegate index"))
        if (const auto* number = std::get_if<std::int64_t>(&delegate->value))
            if (*number >= 0) return static_cast<std::size_t>(*number);
    std::size_t ordinal = 0;
    for (std::size_t i = 0; i < partition; ++i)
        if (graph.partitions[i].backend == backend) ++ordinal;
    return ordinal;
}

std::string partitionLabel(const Graph& graph, std::size_t partition) {
    if (partition >= graph.partitions.size()) return "unplaced";
    return graph.partitions[partition].backend + "#" +
           std::to_string(partitionOrdinal(graph, partition));
}

bool isListedPartition(const Graph& graph, std::size_t partition) {
    if (partition >= graph.partitions.size()) return false;
    return graph.nodeCount(partition) > 0 || graph.partitions[partition].delegated;
}

bool hasSeveralPlacements(const Graph& graph) {
    for (const auto& node : graph.nodes)
        if (node.partition != graph.nodes.front().partition) return true;
    return false;
}

} // namespace pteron
