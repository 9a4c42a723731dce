#include "app/cli/run_command.hpp"

#include "adapters/common/json_text.hpp"
#include "adapters/common/partition_label.hpp"
#include "app/cli/bundled_verification.hpp"
#include "app/cli/command_line.hpp"
#include "app/cli/model_opening.hpp"
#include "app/cli/output_file.hpp"
#include "app/cli/run_inputs.hpp"
#include "app/cli/run_recorder.hpp"
#include "app/cli/run_setup.hpp"
#include "parsers/registry.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/tensor_elements.hpp"
#include "runtime/tensor_file.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <list>
#include <nlohmann/json.hpp>
#include <optional>

namespace pteron {

namespace {

using runtime::Tensor;

bool substitutedPartition(const Graph& graph, std::size_t partition,
                          const std::map<std::string, runtime::GraphRef>& substituted) {
    return std::any_of(graph.nodes.begin(), graph.nodes.end(), [&](const Node& node) {
        return node.partition == partition && substituted.count(node.name) > 0;
    });
}

nlohmann::json missingJson(const std::vector<runtime::MissingKernel>& missing) {
    auto list = nlohmann::json::array();
    for (const auto& item : missing)
        list.push_back({{"graph", item.graph},
                        {"node", item.node},
                        {"name", item.nodeName},
                        {"op", item.op},
                        {"reason", item.reason}});
    return list;
}

// Per top-level partition: can it run, and what stops it.
nlohmann::json checkReport(const Model& model, std::size_t graphIndex,
                           const runtime::Interpreter& interpreter,
                           const std::map<std::string, runtime::GraphRef>& substituted) {
    const auto& graph = model.graphs[graphIndex];
    const auto missing = interpreter.check(graphIndex);
    auto partitions = nlohmann::json::array();
    for (std::size_t p = 0; p < graph.partitions.size(); ++p) {
        std::vector<runtime::MissingKernel> blocking;
        std::size_t nodes = 0;
        for (std::size_t n = 0; n < graph.nodes.size(); ++n)
            if (graph.nodes[n].partition == p) ++nodes;
        for (const auto& item : missing)
            if (item.topNode < graph.nodes.size() && graph.nodes[item.topNode].partition == p)
                blocking.push_back(item);
        if (nodes == 0) continue;
        const auto label = partitionLabel(graph, p);
        partitions.push_back({{"partition", label},
                              {"backend", graph.partitions[p].backend},
                              {"nodes", nodes},
                              {"substituted", substitutedPartition(graph, p, substituted)},
                              {"runnable", blocking.empty()},
                              {"missing", missingJson(blocking)}});
    }
    return partitions;
}

void printCheck(std::ostream& out, const nlohmann::json& partitions) {
    for (const auto& partition : partitions) {
        out << partition["partition"].get<std::string>() << " (" << partition["nodes"].get<int>()
            << " nodes): " << (partition["runnable"].get<bool>() ? "runs" : "cannot run");
        if (partition["substituted"].get<bool>()) out << " (substituted)";
        out << "\n";
        for (const auto& item : partition["missing"])
            out << "  " << item["graph"].get<std::string>() << " #" << item["node"].get<int>()
                << " " << item["op"].get<std::string>() << ": " << item["reason"].get<std::string>()
                << "\n";
    }
}

nlohmann::json tensorJson(const std::string& name, const Tensor& tensor) {
    nlohmann::json item{{"name", name},
                        {"dtype", std::string(dtypeName(tensor.dtype()))},
                        {"shape", tensor.shape()}};
    if (runtime::isNumericType(tensor.dtype()) && tensor.elementCount() > 0) {
        const auto stats = runtime::statisticsOf(tensor);
        item["min"] = stats.min;
        item["max"] = stats.max;
        item["mean"] = stats.mean;
        if (stats.nonFinite) item["non_finite"] = stats.nonFinite;
    }
    return item;
}

std::string outputName(const Graph& graph, std::size_t position) {
    const auto* value = graph.value(graph.outputs[position]);
    return value && !value->name.empty() ? value->name : "output" + std::to_string(position);
}

void printSummary(std::ostream& out, const nlohmann::json& report) {
    out << report["model"].get<std::string>() << " graph " << report["graph"].get<std::string>()
        << "\n";
    out << "inputs:\n";
    for (const auto& input : report["inputs"])
        out << "  " << input["name"].get<std::string>() << " " << input["dtype"].get<std::string>()
            << jsonText(input["shape"]) << " from " << input["source"].get<std::string>() << "\n";
    out << "outputs:\n";
    for (const auto& output : report["outputs"]) {
        out << "  " << output["name"].get<std::string>() << " "
            << output["dtype"].get<std::string>() << jsonText(output["shape"]);
        if (output.contains("min"))
            out << "  min " << output["min"].get<double>() << " max " << output["max"].get<double>()
                << " mean " << output["mean"].get<double>();
        out << "  -> " << output["file"].get<std::string>() << "\n";
    }
    out << std::fixed << std::setprecision(3);
    out << "time per partition (ms):\n";
    for (const auto& item : report["partitions"])
        out << "  " << std::setw(10) << item["seconds"].get<double>() * 1e3 << "  "
            << item["partition"].get<std::string>() << "\n";
    out << "time per operator (ms, count):\n";
    for (const auto& item : report["operators"])
        out << "  " << std::setw(10) << item["seconds"].get<double>() * 1e3 << "  " << std::setw(5)
            << item["count"].get<int>() << "  " << item["op"].get<std::string>() << "\n";
    out << "total " << report["seconds"].get<double>() * 1e3 << " ms on "
        << report["threads"].get<int>() << " thread(s)\n";
    out.unsetf(std::ios::fixed);
}

int verify(const CommandLine& line, const Model& model, const runtime::KernelRegistry& kernels,
           const std::map<std::string, runtime::GraphRef>& substituted, std::ostream& out,
           std::ostream& err) {
    const Tolerance tolerance{line.nonNegativeNumber("--rtol", 1e-5),
                              line.nonNegativeNumber("--atol", 1e-8)};
    runtime::Interpreter interpreter(model, kernels, {threadCount(line), nullptr, substituted});
    return verifyBundledCases(line.positional[0], model, interpreter, tolerance, out, err);
}

} // namespace

int runRunCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
    static constexpr std::array<std::string_view, 4> kFlags{"--trace", "--json", "--check",
                                                            "--verify"};
    static constexpr std::array<std::string_view, 12> kValued{
        "--tosa-draft-dtypes", "--method", "--input",   "--inputs", "--seed", "--ptd",
        "--delegate",          "--output", "--threads", "--etdump", "--rtol", "--atol"};
    const auto expanded = expandShortOutput(args);
    const auto line = CommandLine::parse(expanded, kFlags, kValued);
    if (line.positional.size() != 1) throw UsageError("run needs exactly one FILE");
    const auto model = openModel(line, line.positional[0]);
    const auto graphIndex = chooseGraph(model, line);
    const auto& graph = model.graphs[graphIndex];
    std::list<Model> otherModels;
    const auto substituted = substitutes(graph, line, otherModels);
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    if (line.has("--verify")) return verify(line, model, kernels, substituted, out, err);

    if (line.has("--check")) {
        runtime::Interpreter interpreter(model, kernels, {1, nullptr, substituted});
        const auto partitions = checkReport(model, graphIndex, interpreter, substituted);
        if (line.has("--json"))
            out << jsonText(
                       {{"model", model.path}, {"graph", graph.id}, {"partitions", partitions}}, 2)
                << "\n";
        else
            printCheck(out, partitions);
        // Every missing node is listed under its partition: the report already holds the answer.
        const bool runnable =
            std::all_of(partitions.begin(), partitions.end(),
                        [](const nlohmann::json& p) { return p["runnable"].get<bool>(); });
        return runnable ? 0 : kExitMissingKernels;
    }

    const auto folder = line.value("--output").value_or("pteron-run");
    std::filesystem::create_directories(folder);
    std::optional<std::string> traceFolder;
    if (line.has("--trace")) traceFolder = folder;
    RunRecorder recorder(traceFolder);
    const auto threads = threadCount(line);
    runtime::Interpreter interpreter(model, kernels, {threads, &recorder, substituted});
    auto inputs = gatherInputs(graph, line);

    nlohmann::json report{{"model", model.path}, {"graph", graph.id}, {"threads", threads}};
    std::vector<Tensor> tensors;
    report["inputs"] = nlohmann::json::array();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto& input = inputs[i];
        recorder.recordInput(graph, i, input.tensor);
        auto item = tensorJson(input.spec.name, input.tensor);
        item["source"] = input.source;
        report["inputs"].push_back(item);
        tensors.push_back(input.tensor);
    }
    std::vector<Tensor> outputs;
    const auto start = std::chrono::steady_clock::now();
    try {
        outputs = interpreter.run(graphIndex, std::move(tensors));
    } catch (const runtime::MissingKernelsError& error) {
        err << "pteron: " << error.what() << "\n";
        return kExitMissingKernels;
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    report["seconds"] = elapsed.count();

    report["outputs"] = nlohmann::json::array();
    std::map<std::string, int> used;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const auto name = outputName(graph, i);
        auto stem = fileNameFor(name);
        if (const auto count = used[stem]++; count > 0) stem += "." + std::to_string(count);
        const auto path = (std::filesystem::path(folder) / (stem + ".npy")).string();
        if (const auto error = runtime::writeNpyTensor(path, outputs[i]); !error.empty())
            throw UsageError(error);
        auto item = tensorJson(name, outputs[i]);
        item["file"] = path;
        report["outputs"].push_back(item);
    }
    if (const auto error = recorder.writeTraceIndex(); !error.empty()) throw UsageError(error);
    report["partitions"] = nlohmann::json::array();
    for (const auto& [label, seconds] : recorder.partitionSeconds())
        report["partitions"].push_back({{"partition", label}, {"seconds", seconds}});
    report["operators"] = nlohmann::json::array();
    for (const auto& [op, time] : recorder.operatorTimes())
        report["operators"].push_back(
            {{"op", op}, {"count", time.count}, {"seconds", time.seconds}});
    if (traceFolder) report["trace"] = (std::filesystem::path(folder) / "trace.json").string();

    if (line.has("--json"))
        out << jsonText(report, 2) << "\n";
    else
        printSummary(out, report);
    return 0;
}

} // namespace pteron
