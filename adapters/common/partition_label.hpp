// The label a partition is known by in exports: backend id and its ordinal, "EthosUBackend#0".
#pragma once

#include "core/graph.hpp"

#include <string>

namespace pteron {

// `backend#k`: k is the delegate index of a delegated partition that records one, otherwise
// the count of earlier partitions of the same backend in `graph`.
std::string partitionLabel(const Graph& graph, std::size_t partition);

// True when the nodes of `graph` sit in more than one partition.
bool hasSeveralPlacements(const Graph& graph);

} // namespace pteron
