// Model Explorer `groupNodeAttributes` of a graph: graph-level facts and one entry per partition.
#pragma once

#include "core/model.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace pteron {

// Attributes of one partition: backend, device, target, payload, note and compile specs.
nlohmann::json partitionAttributes(const Model& model, const Partition& partition);

// Key "" holds the graph and model facts shown when nothing is selected; `partitionNamespaces`
// maps each partition that became a namespace to that namespace.
nlohmann::json groupNodeAttributes(const Model& model, const Graph& graph,
                                   const std::vector<std::string>& partitionNamespaces);

} // namespace pteron
