// Prints a diff report: a table in execution order with the first divergence on top, or JSON.
#pragma once

#include "core/model.hpp"
#include "diff/diff_report.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace pteron {

// {first_divergence: {graph, node, op, tensor, partition} or null, tensors: [...], notes: [...]}.
// `modelA` labels partitions; null when side A is a folder of tensors.
nlohmann::json diffJson(const diff::DiffReport& report, const Model* modelA);

void printDiff(std::ostream& out, const diff::DiffReport& report, const Model* modelA);

} // namespace pteron
