// Attaches an ETDump's per-instruction timings to the nodes of a program's method graph.
#pragma once

#include "core/model.hpp"
#include "parsers/registry.hpp"

#include <string>

namespace pteron {

// Reads the ETDump at `etdumpPath` and annotates the program's method graph: for every node whose
// "instruction" index (chain 0) has profile events in the "Execute" runs, node attributes
// runtime.calls and runtime.ticks.{min,avg,max,total}; delegate-internal events are listed on the
// delegate call node as runtime.delegate_events. Times stay in the trace's ticks (ns on hosts
// using the default clock, cycles on some MCUs). Throws FormatError for a malformed ETDump.
void attachEtdump(Model& program, const std::string& etdumpPath, const ReadOptions& options);

} // namespace pteron
