// Data-flow edges of a graph: which node produces a value that another node consumes.
#pragma once

#include "core/graph.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pteron {

struct GraphEdge {
    std::size_t from = 0; // producing node
    std::size_t to = 0;   // consuming node
    std::int64_t value = kAbsentValue;
};

// One edge per (producer, consumer, value); values nobody produces (inputs, constants) add none.
std::vector<GraphEdge> graphEdges(const Graph& graph);

} // namespace pteron
