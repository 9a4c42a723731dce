#include "adapters/common/partition_label.hpp"

namespace pteron {

// Delegate partitions are numbered by their delegate index, as their child graphs are
// ("forward/XnnpackBackend#1"); host partitions count per backend.
std::string partitionLabel(const Graph& graph, std::size_t partition) {
    if (partition >= graph.partitions.size()) return "unplaced";
    const auto& backend = graph.partitions[partition].backend;
    if (const auto* delegate =
            findAttribute(graph.partitions[partition].attributes, "delegate index"))
        if (const auto* number = std::get_if<std::int64_t>(&delegate->value))
            return backend + "#" + std::to_string(*number);
    std::size_t ordinal = 0;
    for (std::size_t i = 0; i < partition; ++i)
        if (graph.partitions[i].backend == backend) ++ordinal;
    return backend + "#" + std::to_string(ordinal);
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
