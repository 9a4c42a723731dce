// Model Explorer `groupNodeAttributes` of a graph: graph-level facts and one entry per partition.
#pragma once

#include "core/model.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace pteron {

// Attributes of one partition: backend, device, target, payload, note and compile specs.
nlohmann::json partitionAttributes(const Model& model, const Partition& partition);

// Key "" holds the graph and model facts shown when nothing is selected, every partition's
// attributes as "partition.<label>.<key>" and, for a decoded payload, those of the partition in
// the parent graph it came from as "delegate.<key>"; `partitionNamespaces` maps each partition
// that became a namespace to that namespace, which gets the partition's attributes too.
nlohmann::json groupNodeAttributes(const Model& model, const Graph& graph,
                                   const std::vector<std::string>& partitionNamespaces);

} // namespace pteron
