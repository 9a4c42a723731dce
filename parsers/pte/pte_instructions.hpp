// Turns an execution plan's chain instructions into graph nodes in execution order.
#pragma once

#include "core/graph.hpp"
#include "parsers/pte/pte_program.hpp"

#include <optional>
#include <vector>

namespace pteron {

namespace fb::pte {
struct ExecutionPlan;
}

// Delegate i of a plan: its partition, and its child graph's input/output counts when decoded.
struct DelegateSignature {
    std::size_t partition = 0;
    std::optional<std::size_t> inputCount;
    std::optional<std::size_t> outputCount;
};

// Values must already be decoded; `delegates[i]` describes delegate i.
void decodePlanInstructions(const PteProgram& program, const fb::pte::ExecutionPlan& plan,
                            const std::string& planPath,
                            const std::vector<DelegateSignature>& delegates, Graph& graph);

} // namespace pteron
