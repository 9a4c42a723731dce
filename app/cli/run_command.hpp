// `pteron run`: executes a model on given or seeded inputs with the built-in runtime, writes
// its outputs (and with --trace every intermediate tensor) as .npy, and `--check` lists what
// cannot run.
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace pteron {

// Exit code when operators or payloads lack a kernel (0, 1 and 2 are shared with every command).
inline constexpr int kExitMissingKernels = 3;

int runRunCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err);

} // namespace pteron
