// Opens the model a command names, with the companion files its options give.
#pragma once

#include "app/cli/command_line.hpp"
#include "core/model.hpp"

#include <string>

namespace pteron {

// Reads `path` through the format registry; `--ptd FILE` adds an external-constants
// companion, `--etdump FILE` attaches a run's timings to the program and `--debug-buffer FILE`
// gives the ETDump's debug buffer, so its intermediate tensors show their values.
Model openModel(const CommandLine& line, const std::string& path);

} // namespace pteron
