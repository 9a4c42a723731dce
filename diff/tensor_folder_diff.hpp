// Compares two folders of .npy tensors (device dumps, `pteron run --trace` output), matched
// through their trace.json indexes or by file name.
#pragma once

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

} // namespace pteron::diff
