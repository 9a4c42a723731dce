// Writes a program of N chained aten::relu kernels, the shape of the tutorial ETDump's run.
#pragma once

#include <string>

namespace pteron::testing {

// One fp32[4] input, `kernels` relu.out calls each feeding the next, the last as output.
void writeReluChainProgram(const std::string& path, int kernels);

} // namespace pteron::testing
