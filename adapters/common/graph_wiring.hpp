// Who produces each node input and graph output of a graph, resolved in execution order.
#pragma once

#include "core/graph.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace pteron {

enum class ProducerKind : std::uint8_t { Node, GraphInput };

// A node output slot, or a position in Graph::inputs (slot 0).
struct Producer {
    ProducerKind kind = ProducerKind::Node;
    std::size_t index = 0;
    std::size_t slot = 0;
    bool operator==(const Producer&) const = default;
};

struct GraphWiring {
    // [node][input slot]: empty for constants, scalars and values nothing writes before the node.
    std::vector<std::vector<std::optional<Producer>>> nodeInputs;
    // [position in Graph::outputs]: the last writer of each output value.
    std::vector<std::optional<Producer>> graphOutputs;
};

// Walks nodes in execution order so a value written twice (in-place ops, mutable buffers) is
// read from the writer that ran last before each consumer.
GraphWiring wireGraph(const Graph& graph);

} // namespace pteron
