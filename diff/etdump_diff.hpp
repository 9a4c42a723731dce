// Compares what a device logged in an ETDump (debug events with tensors) against the built-in
// runtime's run of the same program on the same inputs.
#pragma once

#include "diff/artifact_diff.hpp"
#include "runtime/runtime_error.hpp"

namespace pteron::diff {

// The ETDump holds no tensor that could be compared (profiling events only, or debug events
// whose bytes are in a debug buffer that was not given).
class NothingToCompare : public runtime::RuntimeError {
  public:
    using runtime::RuntimeError::RuntimeError;
};

// `etdump` is the ETDump opened as a model (one graph per recorded run, debug events as
// "etdump.debug" nodes whose output values view the debug buffer). The first run with debug
// tensors is used. Host events pair with the program's instruction of the same index (chain 0):
// a kernel's events with its outputs, a delegate call's with its inputs then outputs (the
// runtime logs every argument); when fewer events than operands were logged they pair with the
// trailing operands. Events with a delegate debug id pair with the node of that call's decoded
// payload whose "debug_handle" equals the integer id or whose name equals the string id.
// Program outputs (logged with output=true) pair with the method's outputs in order.
DiffReport compareWithEtdump(const Artifact& program, std::vector<runtime::Tensor> inputs,
                             const Model& etdump, const runtime::KernelRegistry& kernels,
                             const RunSettings& settings);

} // namespace pteron::diff
