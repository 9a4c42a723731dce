// A graph of the unified model: nodes in execution order, values, inputs/outputs and partitions.
#pragma once

#include "core/node.hpp"
#include "core/partition.hpp"
#include "core/value.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pteron {

struct Graph {
    std::string id; // unique in the model: "forward", "forward/XnnpackBackend#0"
    std::string name;
    std::string kind; // "method", "delegate", "region", "subgraph", "command-stream"
    std::optional<std::size_t> parent; // model graph index of the graph that calls this one
    std::vector<Node> nodes;
    std::vector<Value> values;
    std::vector<std::int64_t> inputs;  // value indices
    std::vector<std::int64_t> outputs; // value indices
    std::vector<Partition> partitions;
    Attributes attributes;

    // Index of the partition for host kernels of `backend`, created on first use.
    std::size_t hostPartition(const std::string& backend, DeviceClass device = DeviceClass::CPU);
    std::size_t addValue(Value value);
    const Value* value(std::int64_t index) const;
    // Operator name -> number of nodes, sorted by name.
    std::map<std::string, std::size_t> opHistogram() const;
    std::size_t nodeCount(std::size_t partition) const;
};

} // namespace pteron
