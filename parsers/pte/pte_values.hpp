// Turns an execution plan's EValues into graph values (same indices), with constant data views.
#pragma once

#include "core/graph.hpp"
#include "parsers/pte/pte_program.hpp"

namespace pteron {

namespace fb::pte {
struct ExecutionPlan;
}

void decodePlanValues(const PteProgram& program, const fb::pte::ExecutionPlan& plan,
                      const std::string& planPath, Graph& graph);

} // namespace pteron
