// Compares two folders of .npy tensors (device dumps, `pteron run --trace` output), matched
// through their trace.json indexes or by file name.
#pragma once

#include "diff/artifact_diff.hpp"
#include "diff/diff_report.hpp"

#include <string>

namespace pteron::diff {

// Side A's tensors in its trace.json order (else by file name). A tensor of A pairs with the
// B tensor of the same graph, node and output when both folders carry a trace.json, else with
// the B file of the same name, else with the B tensor of the same value name. .npy files carry
// no quantisation, so an int8 tensor against an fp32 one compares raw values. Throws
// FormatError for a malformed trace.json or .npy and RuntimeError for a folder that does not
// exist or when no tensor of A has a partner.
DiffReport compareTensorFolders(const std::string& folderA, const std::string& folderB,
                                const Tolerance& tolerance);

// Side A run on `inputs` against a folder of tensors (a device's dumps, `pteron run --trace`
// output): every node output of the run, child graphs included, pairs with the folder's tensor
// of the same graph id, node and output when the folder has a trace.json, else with the file or
// trace entry named like the value. Throws what compareTensorFolders throws, RuntimeError when
// no output has a partner, and the runtime's errors.
DiffReport compareRunWithFolder(const Artifact& a, std::vector<runtime::Tensor> inputs,
                                const std::string& folder, const runtime::KernelRegistry& kernels,
                                const RunSettings& settings);

} // namespace pteron::diff
