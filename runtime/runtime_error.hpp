// Errors the runtime reports: a model or input it cannot execute, named by node or input.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace pteron::runtime {

// The model or its inputs ask for something impossible (wrong shape, out-of-range index,
// unsupported attribute); the message names the graph, node or input.
class RuntimeError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One node the runtime cannot execute and why ("no kernel", "Ethos-U command stream", …).
struct MissingKernel {
    std::string graph;
    std::size_t node = 0;
    std::string nodeName;
    std::string op;
    std::string reason;
    // The node of the checked graph through which this one is reached (itself at top level).
    std::size_t topNode = 0;
};

// Thrown when a graph holds operators without a kernel; carries every one of them.
class MissingKernelsError : public RuntimeError {
  public:
    explicit MissingKernelsError(std::vector<MissingKernel> missing);
    const std::vector<MissingKernel>& missing() const { return missing_; }

  private:
    std::vector<MissingKernel> missing_;
};

} // namespace pteron::runtime
