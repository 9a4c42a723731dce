// The label a partition is known by in exports: backend id and its ordinal, "EthosUBackend#0".
#pragma once

#include "core/graph.hpp"

#include <string>

namespace pteron {

// `backend#k`: k is the delegate index of a delegated partition that records one, otherwise
// the count of earlier partitions of the same backend in `graph`.
std::string partitionLabel(const Graph& graph, std::size_t partition);
// The k of that label.
std::size_t partitionOrdinal(const Graph& graph, std::size_t partition);

// True for a partition worth listing (in `pteron info`, the exports and the app's model tree):
// one that holds nodes, or a delegate's even when empty. An empty host partition is left out.
bool isListedPartition(const Graph& graph, std::size_t partition);

// True when the nodes of `graph` sit in more than one partition.
bool hasSeveralPlacements(const Graph& graph);

} // namespace pteron
