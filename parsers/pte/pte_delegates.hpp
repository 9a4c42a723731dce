// Delegates of an execution plan: partitions with compile specs, payload location, decoded child
// graphs.
#pragma once

#include "core/model.hpp"
#include "parsers/delegate_payload.hpp"
#include "parsers/pte/pte_instructions.hpp"
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
// exists; undecodable payloads are marked on their partition, never fatal. Runs before the
// instructions are decoded so delegate calls can be split by their child graph's signature.
void decodeDelegatePayloads(const PteProgram& program, const fb::pte::ExecutionPlan& plan,
                            const std::string& planPath, std::size_t graphIndex,
                            const std::vector<std::size_t>& delegatePartitions,
                            const PayloadDecoders& decoders, Model& model);

// What the instruction decoder needs of each delegate: its partition in the calling graph and,
// when the payload decoded, how many inputs and outputs its child graph has.
std::vector<DelegateSignature> delegateSignatures(const Model& model, std::size_t graphIndex,
                                                  const std::vector<std::size_t>& partitions);

// Links every delegate-call node of `graph` to the child graph of its partition.
void linkDelegateCalls(Graph& graph);

} // namespace pteron
