// Times MobileNetV2 int8 (TOSA) on the built-in runtime with one and two threads: median time per
// inference, the ratio to a reference time, whether the thread counts agree, and memory use.
//
// usage: runtime_benchmark [REFERENCE_SECONDS (default 1.0)] [RUNS (default 10)] [MODEL.tosa]
#include "parsers/registry.hpp"
#include "runtime/input_generator.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/kernel_registry.hpp"
#include "tests/support/fixtures.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

using namespace pteron;

namespace {

// Peak resident set size of this process in KiB (VmHWM), 0 where /proc is unavailable.
long peakResidentKiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

// Records the largest sum of live node outputs seen after any node (a lower bound of the
// activation memory the interpreter holds, since it frees values after their last reader).
class LiveBytes : public runtime::Observer {
  public:
    explicit LiveBytes(const Graph& graph) {
        lastUse_.assign(graph.values.size(), -1);
        for (std::size_t n = 0; n < graph.nodes.size(); ++n)
            for (const auto& operand : graph.nodes[n].inputs)
                if (operand.value >= 0)
                    lastUse_[static_cast<std::size_t>(operand.value)] = static_cast<long>(n);
        for (const auto output : graph.outputs)
            lastUse_[static_cast<std::size_t>(output)] = static_cast<long>(graph.nodes.size());
    }
    void nodeFinished(const runtime::NodeEvent& event) override {
        if (event.depth != 0) return;
        for (const auto& output : event.outputs)
            if (!output.tensor->isView())
                live_.push_back({output.value, output.tensor->bytes().size()});
        std::size_t total = 0;
        for (const auto& [value, bytes] : live_)
            total += bytes;
        peak = std::max(peak, total);
        const auto node = static_cast<long>(event.nodeIndex);
        std::erase_if(live_, [&](const auto& item) {
            return lastUse_[static_cast<std::size_t>(item.first)] <= node;
        });
    }
    std::size_t peak = 0;

  private:
    std::vector<long> lastUse_;
    std::vector<std::pair<std::int64_t, std::size_t>> live_;
};

struct Timing {
    double median = 0;
    std::vector<runtime::Tensor> outputs;
};

Timing timeRuns(const Model& model, const runtime::KernelRegistry& kernels,
                const std::vector<runtime::Tensor>& inputs, unsigned threads, int runs) {
    runtime::RunOptions options;
    options.threads = threads;
    runtime::Interpreter interpreter(model, kernels, options);
    Timing timing;
    timing.outputs = interpreter.run(0, inputs); // warm-up: page in the weights
    std::vector<double> seconds;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        interpreter.run(0, inputs);
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        seconds.push_back(elapsed.count());
    }
    std::sort(seconds.begin(), seconds.end());
    timing.median = seconds[seconds.size() / 2];
    return timing;
}

bool identical(const std::vector<runtime::Tensor>& a, const std::vector<runtime::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].typeText() != b[i].typeText()) return false;
        if (std::memcmp(a[i].bytes().data(), b[i].bytes().data(), a[i].bytes().size()) != 0)
            return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    const double reference = argc > 1 ? std::stod(argv[1]) : 1.0;
    const int runs = std::max(1, argc > 2 ? std::stoi(argv[2]) : 10);
    const std::string path =
        argc > 3 ? argv[3] : testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa");
    try {
        const auto model = FormatRegistry::standard().open(path);
        const auto kernels = runtime::KernelRegistry::withAllKernels();
        std::vector<runtime::Tensor> inputs;
        const auto specs = runtime::inputSpecs(model.graphs.at(0));
        for (std::size_t i = 0; i < specs.size(); ++i)
            inputs.push_back(runtime::randomInput(specs[i], 1, i));

        std::printf("model %s, %d runs per thread count, reference %.3f s\n", path.c_str(), runs,
                    reference);
        std::vector<Timing> timings;
        for (const unsigned threads : {1u, 2u}) {
            timings.push_back(timeRuns(model, kernels, inputs, threads, runs));
            const auto median = timings.back().median;
            std::printf("threads %u: median %.2f ms per inference, %.1fx faster than reference\n",
                        threads, median * 1e3, reference / median);
        }
        const bool same = identical(timings[0].outputs, timings[1].outputs);
        std::printf("outputs identical across thread counts: %s\n", same ? "yes" : "NO");

        LiveBytes live(model.graphs[0]);
        runtime::RunOptions options;
        options.observer = &live;
        runtime::Interpreter(model, kernels, options).run(0, inputs);
        std::printf("peak RSS %.1f MiB, mapped weights %.1f MiB, largest live activations "
                    "%.1f MiB\n",
                    static_cast<double>(peakResidentKiB()) / 1024.0,
                    static_cast<double>(model.constantBytes()) / (1024.0 * 1024.0),
                    static_cast<double>(live.peak) / (1024.0 * 1024.0));
        return same ? 0 : 1;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "runtime_benchmark: %s\n", error.what());
        return 2;
    }
}
