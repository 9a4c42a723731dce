#include "views/graph/node_placement.hpp"

namespace pteron {

namespace {
Partition makeUnplaced() {
    Partition partition;
    partition.backend = "unplaced";
    partition.device = DeviceClass::Unknown;
    return partition;
}
} // namespace

const Partition& nodePlacement(const Graph& graph, const Node& node) {
    static const Partition unplaced = makeUnplaced();
    return node.partition < graph.partitions.size() ? graph.partitions[node.partition] : unplaced;
}

} // namespace pteron
