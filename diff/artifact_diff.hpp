// Runs two artifacts of one model with the built-in runtime on the same inputs and compares
// every pair of tensors that correspond: node outputs at every depth, delegate boundaries and
// final outputs.
#pragma once

#include "diff/diff_report.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/kernel_registry.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pteron::diff {

struct RunSettings {
    RunSettings() = default;
    RunSettings(unsigned threadCount, Tolerance limits, std::function<void()> onNode = {})
        : threads(threadCount), tolerance(limits), nodeDone(std::move(onNode)) {}

    unsigned threads = 1;
    Tolerance tolerance;
    // Called after every executed node of either side (progress); may throw to stop the runs.
    std::function<void()> nodeDone;
};

struct Artifact {
    const Model* model = nullptr;
    std::size_t graph = 0; // the graph to run (side B: ignored, found from the correspondence)
    std::map<std::string, runtime::GraphRef> substitutes; // delegate node name -> graph
};

// Side A runs graph `a.graph` on `inputs`. Side B runs the top-level graph that corresponds to
// it: with the same inputs when both take and give the same tensors (a TOSA and its VGF, a
// program and itself with substituted delegates), or, when B is the payload of a delegate call
// of A (a .pte and the TOSA of its delegate), on the tensors that call received in A's run.
// Node pairs come from correspondModels(), also against B's substitute graphs; nodes without
// operands (constants) are not compared. Throws
// RuntimeError when B has no graph that A can drive, and MissingKernelsError when either side
// cannot run.
DiffReport compareArtifacts(const Artifact& a, std::vector<runtime::Tensor> inputs,
                            const Artifact& b, const runtime::KernelRegistry& kernels,
                            const RunSettings& settings);

// A value's name as `pteron nodes` prints it, or "%N" for an unnamed value.
std::string valueName(const Graph& graph, std::int64_t value);

} // namespace pteron::diff
