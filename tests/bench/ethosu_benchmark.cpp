// Times the MobileNetV2 Ethos-U55-128 delegate run from its command stream: the first inference
// and later ones of the same interpreter without an observer (median of RUNS), then the time per
// NPU operation kind.
//
// usage: ethosu_benchmark [RUNS (default 3)] [MODEL.pte]
#include "parsers/registry.hpp"
#include "runtime/input_generator.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/kernel_registry.hpp"
#include "tests/support/fixtures.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

using namespace pteron;

namespace {

// Wall time and count per operator of the graphs below the one run (the NPU operations).
class PerKind : public runtime::Observer {
  public:
    void nodeFinished(const runtime::NodeEvent& event) override {
        if (event.depth == 0) return;
        auto& entry = kinds[event.node.op];
        entry.first += 1;
        entry.second += event.seconds;
    }
    std::map<std::string, std::pair<std::size_t, double>> kinds;
};

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const std::string path =
        argc > 2 ? argv[2] : testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto model = FormatRegistry::standard().open(path, {});
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    const auto graph = model.topLevelGraphs().front();
    std::vector<runtime::Tensor> inputs;
    const auto specs = runtime::inputSpecs(model.graphs[graph]);
    for (std::size_t i = 0; i < specs.size(); ++i)
        inputs.push_back(runtime::randomInput(specs[i], 1, i));

    // One interpreter throughout: its first run decodes the weight streams, later runs reuse them.
    runtime::Interpreter interpreter(model, kernels, {1, nullptr, {}});
    const auto timed = [&] {
        const auto start = std::chrono::steady_clock::now();
        interpreter.run(graph, inputs);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const double first = timed();
    std::vector<double> times;
    for (int r = 0; r < runs; ++r)
        times.push_back(timed());
    std::sort(times.begin(), times.end());
    std::printf("%s\n", path.c_str());
    std::printf("first inference (decodes the weight streams): %.1f ms\n", 1000 * first);
    std::printf("later inferences (decoded weights reused), median of %d: %.1f ms\n", runs,
                1000 * times[times.size() / 2]);

    PerKind observer;
    runtime::Interpreter traced(model, kernels, {1, &observer, {}});
    traced.run(graph, inputs);
    std::printf("time per NPU operation kind (one traced inference; tracing reads each OFM):\n");
    std::printf("  %-22s %6s %10s %10s\n", "operation", "count", "total ms", "mean ms");
    for (const auto& [op, entry] : observer.kinds)
        std::printf("  %-22s %6zu %10.2f %10.3f\n", op.c_str(), entry.first, 1000 * entry.second,
                    1000 * entry.second / static_cast<double>(entry.first));
    return 0;
}
