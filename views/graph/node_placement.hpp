// The partition a node runs on, tolerating a placement index that points nowhere.
#pragma once

#include "core/graph.hpp"

namespace pteron {

// The node's partition, or an "unplaced" partition of unknown device when the index is invalid.
const Partition& nodePlacement(const Graph& graph, const Node& node);

} // namespace pteron
