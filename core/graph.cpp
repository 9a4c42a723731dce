#include "core/graph.hpp"

namespace pteron {

std::size_t Graph::hostPartition(const std::string& backend, DeviceClass device) {
    for (std::size_t i = 0; i < partitions.size(); ++i)
        if (!partitions[i].delegated && partitions[i].backend == backend) return i;
    Partition partition;
    partition.backend = backend;
    partition.device = device;
    partitions.push_back(std::move(partition));
    return partitions.size() - 1;
}

std::size_t Graph::addValue(Value value) {
    values.push_back(std::move(value));
    return values.size() - 1;
}

const Value* Graph::value(std::int64_t index) const {
    if (index < 0 || static_cast<std::size_t>(index) >= values.size()) return nullptr;
    return &values[static_cast<std::size_t>(index)];
}

std::map<std::string, std::size_t> Graph::opHistogram() const {
    std::map<std::string, std::size_t> histogram;
    for (const auto& node : nodes)
        ++histogram[node.op];
    return histogram;
}

std::size_t Graph::nodeCount(std::size_t partition) const {
    std::size_t count = 0;
    for (const auto& node : nodes)
        if (node.partition == partition) ++count;
    return count;
}

} // namespace pteron
