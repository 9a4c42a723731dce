// Executes graphs of a core::Model: nodes in order, delegate calls through their decoded child
// graphs (or a substitute graph), control flow through regions, buffers freed after last use.
#pragma once

#include "core/model.hpp"
#include "runtime/kernel_registry.hpp"
#include "runtime/observer.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/tensor.hpp"
#include "runtime/thread_pool.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pteron::runtime {

struct Slot;
namespace ethosu {
class WeightCache;
}

// A graph of some model, used in place of a delegate's payload.
struct GraphRef {
    const Model* model = nullptr;
    std::size_t graph = 0;
};

struct RunOptions {
    unsigned threads = 1;
    Observer* observer = nullptr;
    // Delegate node name ("EthosUBackend#0") -> the graph that runs instead of its payload.
    std::map<std::string, GraphRef> substitutes;
};

class Interpreter {
  public:
    Interpreter(const Model& model, const KernelRegistry& kernels, RunOptions options = {});
    ~Interpreter();

    // Runs graph `graph` of the model on `inputs` (in the order of the graph's inputs) and returns
    // its outputs in order. Throws RuntimeError for bad inputs or impossible operations and
    // MissingKernelsError before running anything when an operator lacks a kernel.
    std::vector<Tensor> run(std::size_t graph, std::vector<Tensor> inputs);

    // Every node reachable from `graph` (child graphs included) that cannot run, and why.
    std::vector<MissingKernel> check(std::size_t graph) const;

    // State that persists across run() calls (TOSA variables), by name.
    std::map<std::string, Tensor>& variables() { return variables_; }

  private:
    // `boundedInputs[i]` makes input i's declared static shape an upper bound (a delegate called
    // with a dynamically shaped tensor).
    std::vector<Tensor> runGraph(const Model& model, std::size_t graph, std::vector<Tensor> inputs,
                                 unsigned depth, const std::vector<bool>& boundedInputs = {});
    void runNode(const Model& model, std::size_t graphIndex, std::size_t nodeIndex,
                 std::vector<Slot>& slots, unsigned depth);
    void runDelegate(const Model& model, const Graph& graph, const Node& node,
                     std::vector<Slot>& slots, unsigned depth);
    void runCommandStreamNode(const Model& model, const Graph& graph, const Node& node,
                              std::size_t child, std::vector<Slot>& slots, unsigned depth);
    void storeDelegateOutputs(const Graph& graph, const Node& node, std::vector<Tensor> outputs,
                              std::vector<Slot>& slots);
    void checkCommandStream(const Model& model, std::size_t graph,
                            std::vector<MissingKernel>& missing, std::size_t topNode) const;
    void checkGraph(const Model& model, std::size_t graph, std::vector<MissingKernel>& missing,
                    std::vector<std::size_t>& visited, std::optional<std::size_t> topNode) const;
    MissingKernel missingNode(const Model& model, const Graph& graph, std::size_t node) const;

    const Model& model_;
    const KernelRegistry& kernels_;
    RunOptions options_;
    std::unique_ptr<ThreadPool> pool_;
    std::map<std::string, Tensor> variables_;
    std::unique_ptr<ethosu::WeightCache> ethosuWeights_; // decoded NPU weights across runs
};

// The tensor a graph input expects, for checking and for generating inputs.
struct InputSpec {
    std::string name;
    DType dtype = DType::Unknown;
    Shape shape; // upper bounds for dynamic dimensions
    bool dynamic = false;
    Quantization quantization;
};
std::vector<InputSpec> inputSpecs(const Graph& graph);

} // namespace pteron::runtime
