// What `run` and `diff` share in setting up a run: the graph, the thread count, the delegate
// substitutes.
#pragma once

#include "app/cli/command_line.hpp"
#include "core/model.hpp"
#include "runtime/interpreter.hpp"

#include <list>
#include <map>
#include <string>

namespace pteron {

// The graph `--method NAME` names (by name or id), else the first top-level graph.
std::size_t chooseGraph(const Model& model, const CommandLine& line);

// `--threads N` (1 to 256), else every core.
unsigned threadCount(const CommandLine& line);

// Opens every `--delegate NAME=FILE` (or the repeated `option` given); NAME is a delegate node's
// name or its partition's label ("EthosUBackend#0", "ethos-u#1"). The models live as long as the
// list.
std::map<std::string, runtime::GraphRef> substitutes(const Graph& graph, const CommandLine& line,
                                                     std::list<Model>& models,
                                                     std::string_view option = "--delegate");

} // namespace pteron
