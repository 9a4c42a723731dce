// Turns an execution plan's chain instructions into graph nodes in execution order.
#pragma once

#include "core/graph.hpp"
#include "parsers/pte/pte_program.hpp"

#include <vector>

namespace pteron {

namespace fb::pte {
struct ExecutionPlan;
}

// Values must already be decoded; `delegatePartitions[i]` is the partition of delegate i.
void decodePlanInstructions(const PteProgram& program, const fb::pte::ExecutionPlan& plan,
                            const std::string& planPath,
                            const std::vector<std::size_t>& delegatePartitions, Graph& graph);

} // namespace pteron
