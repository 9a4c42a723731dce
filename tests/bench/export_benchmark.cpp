// Prints how long the Model Explorer export of a generated 10,000-node graph, the layout and SVG
// rendering of generated graphs of 1k to 30k nodes and of the biggest fixture graphs take.
#include "adapters/graphviz/layout_service.hpp"
#include "adapters/layout/layered_layout.hpp"
#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

pteron::Value tensor(std::string name, pteron::ValueKind kind, std::vector<std::int64_t> shape) {
    pteron::Value value;
    value.name = std::move(name);
    value.kind = kind;
    value.dtype = pteron::DType::Int8;
    value.shape = std::move(shape);
    value.hasShape = true;
    value.quantization.scales = {0.05};
    value.quantization.zeroPoints = {-3};
    return value;
}

// A chain of convolutions with residual adds every tenth node, split into host and NPU blocks.
pteron::Model generatedModel(std::size_t nodeCount) {
    pteron::Model model;
    model.path = "generated.pte";
    model.format = "executorch";
    pteron::Graph graph;
    graph.id = "forward";
    const auto host = graph.hostPartition("portable");
    pteron::Partition npu;
    npu.backend = "EthosUBackend";
    npu.device = pteron::DeviceClass::NPU;
    npu.delegated = true;
    npu.target = "ethos-u55-128";
    graph.partitions.push_back(npu);
    const std::size_t npuIndex = graph.partitions.size() - 1;

    auto previous = static_cast<std::int64_t>(
        graph.addValue(tensor("input", pteron::ValueKind::Input, {1, 16, 56, 56})));
    graph.inputs.push_back(previous);
    std::vector<std::int64_t> outputs;
    for (std::size_t i = 0; i < nodeCount; ++i) {
        pteron::Node node;
        node.op = i % 10 == 9 ? "tosa.ADD" : "tosa.CONV2D";
        node.partition = (i / 500) % 2 == 0 ? host : npuIndex;
        node.namespacePath = "block" + std::to_string(i / 100);
        node.inputs.push_back({previous, "input"});
        if (i % 10 == 9 && i >= 10) node.inputs.push_back({outputs[i - 9], "other"});
        if (i % 10 != 9)
            node.inputs.push_back(
                {static_cast<std::int64_t>(graph.addValue(
                     tensor("w" + std::to_string(i), pteron::ValueKind::Constant, {16, 3, 3, 16}))),
                 "weight"});
        node.attributes.push_back({"stride", std::vector<std::int64_t>{1, 1}});
        const auto out = static_cast<std::int64_t>(graph.addValue(
            tensor("t" + std::to_string(i), pteron::ValueKind::Intermediate, {1, 16, 56, 56})));
        node.outputs.push_back({out, "output"});
        outputs.push_back(out);
        previous = out;
        graph.nodes.push_back(std::move(node));
    }
    graph.outputs.push_back(previous);
    model.graphs.push_back(std::move(graph));
    return model;
}

void benchmarkExport() {
    const auto model = generatedModel(10'000);
    const pteron::ModelExplorerWriter writer(pteron::BackendPalette::builtIn());
    const auto start = Clock::now();
    const auto json = writer.collection(model);
    const double build = secondsSince(start);
    const auto text = json.dump();
    const double total = secondsSince(start);
    std::printf("model-explorer export, 10,000 nodes: build %.3f s, build+serialise %.3f s "
                "(%zu bytes) [target < 0.5 s]\n",
                build, total, text.size());
}

// `pteron render`'s work on a generated graph: the layout the app draws too, then the SVG.
void benchmarkGeneratedRender(std::size_t nodeCount, double target) {
    const auto model = generatedModel(nodeCount);
    const auto& graph = model.graphs.front();
    auto start = Clock::now();
    const auto layout =
        pteron::layeredGraphLayout(graph, pteron::estimatedSizes(graph), false, nullptr);
    const double laidOut = secondsSince(start);
    pteron::LayoutService service;
    start = Clock::now();
    const auto svg = service.render(graph, pteron::BackendPalette::builtIn(), "svg");
    std::printf("generated graph, %zu nodes: layout %.3f s, svg render %.3f s (%zu bytes, %s) "
                "[target < %.0f s]\n",
                nodeCount, laidOut, secondsSince(start), svg.size(),
                nodeCount > pteron::kDotNodeLimit ? "layered" : "dot", target);
    (void)layout;
}

// The model's first graph, or the one with id `graphId`.
void benchmarkRender(const std::string& relative, const std::string& graphId = {}) {
    try {
        const auto model =
            pteron::FormatRegistry::standard().open(pteron::testing::fixture(relative));
        const auto* chosen = graphId.empty() ? &model.graphs.front() : model.findGraph(graphId);
        if (!chosen) {
            std::printf("svg render of %s skipped: no graph %s\n", relative.c_str(),
                        graphId.c_str());
            return;
        }
        const auto& graph = *chosen;
        pteron::LayoutService service;
        const auto start = Clock::now();
        const auto svg = service.render(graph, pteron::BackendPalette::builtIn(), "svg");
        std::printf("svg render of %s graph %s (%zu nodes): %.3f s (%zu bytes)\n", relative.c_str(),
                    graph.id.c_str(), graph.nodes.size(), secondsSince(start), svg.size());
    } catch (const pteron::FormatError& error) {
        std::printf("svg render of %s skipped: %s\n", relative.c_str(), error.what());
    }
}

} // namespace

int main() {
    benchmarkExport();
    benchmarkGeneratedRender(1'000, 1);
    benchmarkGeneratedRender(3'000, 1);
    benchmarkGeneratedRender(10'000, 1);
    benchmarkGeneratedRender(30'000, 3);
    benchmarkRender("tosa/arm_mv2_ethosu55_tag1.tosa");
    benchmarkRender("vgf/arm_mobilenet_v2_int8.vgf");
    // Above CGraphOptions::largeGraphNodes: capped search, straight unlabelled edges.
    benchmarkRender("pte/arm_mv2_ethosu55_128_int8.pte", "forward/EthosUBackend#0");
    return 0;
}
