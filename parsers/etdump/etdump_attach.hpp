// Attaches an ETDump's per-instruction timings to the nodes of a program's method graph.
#pragma once

#include "core/model.hpp"
#include "parsers/registry.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace pteron {

// The method graph an ETDump's events refer to ("forward", else the program's first method) and
// its node for each instruction index of chain 0, the index every profile event carries.
struct InstructionNodes {
    std::size_t graph = 0;
    std::map<std::int64_t, std::size_t> nodes;
};
std::optional<InstructionNodes> instructionNodes(const Model& program);

// Reads the ETDump at `etdumpPath` and annotates the program's method graph: for every node whose
// "instruction" index (chain 0) has profile events in the "Execute" runs, node attributes
// runtime.calls and runtime.ticks.{min,avg,max,total}; delegate-internal events are listed on the
// delegate call node as runtime.delegate_events. Times stay in the trace's ticks (ns on hosts
// using the default clock, cycles on some MCUs). Throws FormatError for a malformed ETDump.
void attachEtdump(Model& program, const std::string& etdumpPath, const ReadOptions& options);

} // namespace pteron
