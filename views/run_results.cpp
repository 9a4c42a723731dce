#include "views/run_results.hpp"

#include "runtime/input_generator.hpp"
#include "runtime/interpreter.hpp"

#include <chrono>

namespace pteron {

namespace {

// Keeps a copy (a shared handle, not the bytes) of every tensor computed in `model`.
class ResultsObserver : public runtime::Observer {
  public:
    ResultsObserver(const Model& model, RunResults& results) : model_(model), results_(results) {}
    void nodeFinished(const runtime::NodeEvent& event) override {
        if (&event.model != &model_) return; // a substitute's graph is not shown
        for (const auto& output : event.outputs)
            results_.tensors[{event.graphIndex, output.value}] = *output.tensor;
    }

  private:
    const Model& model_;
    RunResults& results_;
};

} // namespace

const runtime::Tensor* RunResults::find(std::size_t graphIndex, std::int64_t value) const {
    const auto found = tensors.find({graphIndex, value});
    return found == tensors.end() ? nullptr : &found->second;
}

RunResults runWithSeededInputs(const Model& model, std::uint64_t seed, unsigned threads) {
    const auto tops = model.topLevelGraphs();
    if (tops.empty()) throw runtime::RuntimeError("the model holds no graph to run");
    RunResults results;
    results.graph = tops.front();
    results.seed = seed;
    const auto& graph = model.graphs[results.graph];
    std::vector<runtime::Tensor> inputs;
    const auto specs = runtime::inputSpecs(graph);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        inputs.push_back(runtime::randomInput(specs[i], seed, i));
        results.tensors[{results.graph, graph.inputs[i]}] = inputs.back();
    }
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    ResultsObserver observer(model, results);
    runtime::Interpreter interpreter(model, kernels, {threads, &observer, {}});
    const auto start = std::chrono::steady_clock::now();
    interpreter.run(results.graph, std::move(inputs));
    results.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return results;
}

} // namespace pteron
