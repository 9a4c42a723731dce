// Opens the model a command names, with the companion files its options give.
#pragma once

#include "app/cli/command_line.hpp"
#include "core/model.hpp"

#include <string>

namespace pteron {

// Reads `path` through the format registry; `--ptd FILE` adds an external-constants
// companion and `--etdump FILE` attaches a run's timings to the program.
Model openModel(const CommandLine& line, const std::string& path);

} // namespace pteron
