// Delegates of an execution plan: partitions with compile specs, payload location, decoded child
// graphs.
#pragma once

#include "core/model.hpp"
#include "parsers/delegate_payload.hpp"
#include "parsers/pte/pte_program.hpp"

#include <vector>

namespace pteron {

namespace fb::pte {
struct ExecutionPlan;
}

// Adds one partition per BackendDelegate to `graph`; returns the partition index of each delegate.
std::vector<std::size_t> addDelegatePartitions(const PteProgram& program,
                                               const fb::pte::ExecutionPlan& plan,
                                               const std::string& planPath, Graph& graph);

// Decodes each delegate payload into a child graph of model.graphs[graphIndex] where a decoder
// exists; undecodable payloads are marked on their partition, never fatal.
void decodeDelegatePayloads(const PteProgram& program, const fb::pte::ExecutionPlan& plan,
                            const std::string& planPath, std::size_t graphIndex,
                            const std::vector<std::size_t>& delegatePartitions,
                            const PayloadDecoders& decoders, Model& model);

} // namespace pteron
