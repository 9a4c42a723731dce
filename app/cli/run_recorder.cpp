#include "app/cli/run_recorder.hpp"
#include "adapters/common/json_text.hpp"

#include "adapters/common/partition_label.hpp"
#include "app/cli/run_inputs.hpp"
#include "core/model.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/tensor_file.hpp"

#include <filesystem>
#include <fstream>

namespace pteron {

RunRecorder::RunRecorder(std::optional<std::string> traceFolder)
    : traceFolder_(std::move(traceFolder)) {}

void RunRecorder::nodeFinished(const runtime::NodeEvent& event) {
    if (event.depth == 0)
        partitions_[partitionLabel(event.graph, event.node.partition)] += event.seconds;
    // A delegate call's time is its operators' time; count it once.
    if (event.node.childGraphs.empty() || event.node.op.rfind("tosa.", 0) == 0) {
        auto& time = operators_[event.node.op];
        ++time.count;
        time.seconds += event.seconds;
    }
    if (!traceFolder_) return;
    for (std::size_t i = 0; i < event.outputs.size(); ++i)
        writeTensor(event.graph, static_cast<std::int64_t>(event.nodeIndex), event.node.op, i,
                    event.outputs[i].value, *event.outputs[i].tensor);
}

void RunRecorder::recordInput(const Graph& graph, std::size_t position,
                              const runtime::Tensor& tensor) {
    if (!traceFolder_ || position >= graph.inputs.size()) return;
    writeTensor(graph, -1, "input", position, graph.inputs[position], tensor);
}

void RunRecorder::writeTensor(const Graph& graph, std::int64_t node, const std::string& op,
                              std::size_t output, std::int64_t valueIndex,
                              const runtime::Tensor& tensor) {
    const auto* value = graph.value(valueIndex);
    const std::string valueName = value ? value->name : "%" + std::to_string(valueIndex);
    auto stem =
        fileNameFor(graph.id + "." + (node < 0 ? "input" : std::to_string(node)) + "." + valueName);
    if (const auto count = usedNames_[stem]++; count > 0) stem += "." + std::to_string(count);
    const auto file = stem + ".npy";
    const auto path = (std::filesystem::path(*traceFolder_) / file).string();
    if (const auto error = runtime::writeNpyTensor(path, tensor); !error.empty())
        throw runtime::RuntimeError("trace: " + error);
    trace_.push_back({{"graph", graph.id},
                      {"node", node},
                      {"op", op},
                      {"output", output},
                      {"value", valueName},
                      {"file", file},
                      {"dtype", std::string(dtypeName(tensor.dtype()))},
                      {"shape", tensor.shape()}});
}

std::string RunRecorder::writeTraceIndex() const {
    if (!traceFolder_) return {};
    const auto path = (std::filesystem::path(*traceFolder_) / "trace.json").string();
    std::ofstream out(path, std::ios::trunc);
    out << jsonText(trace_, 1) << "\n";
    return out ? std::string{} : "cannot write " + path;
}

} // namespace pteron
