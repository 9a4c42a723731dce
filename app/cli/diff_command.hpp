// `pteron diff`: where the numbers of two runs, a run and a device dump, or two folders of
// tensors part ways.
#pragma once

#include "core/model.hpp"
#include "diff/diff_report.hpp"

#include <ostream>
#include <span>
#include <string>

namespace pteron {

struct CommandLine;

// Exit code when a compared tensor is outside its tolerance.
inline constexpr int kExitDiffFailed = 4;

int runDiffCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err);

// Runs `modelA` against the file `pathB` with the run options of `line` (--inputs, --input,
// --seed, --method, --delegate-a for side A, --delegate for side B, --threads, --rtol, --atol,
// --steps); shared with the node-data export.
diff::DiffReport diffArtifacts(const CommandLine& line, const Model& modelA,
                               const std::string& pathB);

} // namespace pteron
