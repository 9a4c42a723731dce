// `pteron run FILE.bpte --verify`: every bundled test case of an ExecuTorch bundled program run
// and compared with the outputs it expects.
#pragma once

#include "core/model.hpp"
#include "runtime/interpreter.hpp"

#include <ostream>
#include <string>

namespace pteron {

// Exit code when a bundled test case does not reproduce its expected outputs.
inline constexpr int kExitVerifyFailed = 4;

struct Tolerance {
    double rtol = 1e-5; // ExecuTorch's verify_method_outputs defaults
    double atol = 1e-8;
};

// Runs every case of every method of the bundled program at `path` (opened as `model`) and
// prints pass/fail with the largest errors. Returns 0 when all pass, kExitVerifyFailed when one
// fails, kExitMissingKernels when the program cannot run.
int verifyBundledCases(const std::string& path, const Model& model,
                       runtime::Interpreter& interpreter, const Tolerance& tolerance,
                       std::ostream& out, std::ostream& err);

} // namespace pteron
