#include "app/cli/diff_command.hpp"

#include "adapters/common/json_text.hpp"
#include "app/cli/command_line.hpp"
#include "app/cli/diff_printer.hpp"
#include "app/cli/model_opening.hpp"
#include "app/cli/run_command.hpp"
#include "app/cli/run_inputs.hpp"
#include "app/cli/run_setup.hpp"
#include "diff/artifact_diff.hpp"
#include "diff/etdump_diff.hpp"
#include "diff/tensor_folder_diff.hpp"
#include "parsers/registry.hpp"

#include <array>
#include <list>

namespace pteron {

namespace {

diff::Tolerance tolerance(const CommandLine& line) {
    diff::Tolerance result;
    result.rtol = line.nonNegativeNumber("--rtol", result.rtol);
    result.atol = line.nonNegativeNumber("--atol", result.atol);
    const double steps = line.nonNegativeNumber("--steps", 0);
    if (steps > 1e9 || steps != static_cast<double>(static_cast<std::int64_t>(steps)))
        throw UsageError("--steps takes a whole number of quantisation steps");
    result.steps = static_cast<std::int64_t>(steps);
    return result;
}

std::vector<runtime::Tensor> inputTensors(const Graph& graph, const CommandLine& line) {
    std::vector<runtime::Tensor> tensors;
    for (auto& input : gatherInputs(graph, line))
        tensors.push_back(std::move(input.tensor));
    return tensors;
}

int report(const CommandLine& line, const diff::DiffReport& result, const Model* modelA,
           std::ostream& out) {
    if (line.has("--json"))
        out << jsonText(diffJson(result, modelA), 2) << "\n";
    else
        printDiff(out, result, modelA);
    return result.passed() ? 0 : kExitDiffFailed;
}

int diffEtdump(const CommandLine& line, std::ostream& out) {
    if (line.positional.size() != 1)
        throw UsageError("diff --etdump needs exactly one program FILE");
    const auto program = openModel(line, line.positional[0]);
    ReadOptions options;
    if (auto buffer = line.value("--debug-buffer")) options.debugBuffer = *buffer;
    const auto etdump = FormatRegistry::standard().open(*line.value("--etdump"), options);
    if (etdump.format != "etdump")
        throw UsageError(*line.value("--etdump") + " is a " + etdump.format +
                         " file, not an ETDump");
    const auto graph = chooseGraph(program, line);
    std::list<Model> others;
    diff::Artifact artifact{&program, graph, substitutes(program.graphs[graph], line, others)};
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    const auto result =
        diff::compareWithEtdump(artifact, inputTensors(program.graphs[graph], line), etdump,
                                kernels, {threadCount(line), tolerance(line)});
    return report(line, result, &program, out);
}

} // namespace

diff::DiffReport diffArtifacts(const CommandLine& line, const Model& modelA,
                               const std::string& pathB) {
    CommandLine lineB = line;
    lineB.options.erase("--etdump");
    const auto modelB = openModel(lineB, pathB);
    const auto graph = chooseGraph(modelA, line);
    std::list<Model> others;
    diff::Artifact a{&modelA, graph,
                     substitutes(modelA.graphs[graph], line, others, "--delegate-a")};
    diff::Artifact b{&modelB, 0, {}};
    // --delegate names partitions of B's top-level graph; B is often A itself.
    const auto topsB = modelB.topLevelGraphs();
    if (!line.values("--delegate").empty()) {
        if (topsB.empty()) throw UsageError(pathB + " holds no graph whose delegates to replace");
        b.substitutes = substitutes(modelB.graphs[topsB.front()], line, others);
    }
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    return diff::compareArtifacts(a, inputTensors(modelA.graphs[graph], line), b, kernels,
                                  {threadCount(line), tolerance(line)});
}

namespace {

int diffCommand(std::span<const std::string> args, std::ostream& out) {
    static constexpr std::array<std::string_view, 2> kFlags{"--json", "--tensors"};
    static constexpr std::array<std::string_view, 14> kValued{"--tosa-draft-dtypes",
                                                              "--method",
                                                              "--input",
                                                              "--inputs",
                                                              "--seed",
                                                              "--ptd",
                                                              "--delegate",
                                                              "--delegate-a",
                                                              "--threads",
                                                              "--etdump",
                                                              "--debug-buffer",
                                                              "--rtol",
                                                              "--atol",
                                                              "--steps"};
    const auto line = CommandLine::parse(args, kFlags, kValued);
    if (line.has("--tensors")) {
        if (line.positional.size() != 2) throw UsageError("diff --tensors needs two folders");
        const auto result =
            diff::compareTensorFolders(line.positional[0], line.positional[1], tolerance(line));
        return report(line, result, nullptr, out);
    }
    if (line.has("--etdump")) return diffEtdump(line, out);
    if (line.positional.size() != 2)
        throw UsageError("diff needs two files A B, a program with --etdump FILE, or --tensors "
                         "with two folders");
    const auto modelA = openModel(line, line.positional[0]);
    return report(line, diffArtifacts(line, modelA, line.positional[1]), &modelA, out);
}

} // namespace

int runDiffCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
    try {
        return diffCommand(args, out);
    } catch (const runtime::MissingKernelsError& error) {
        err << "pteron: " << error.what() << "\n";
        return kExitMissingKernels;
    }
}

} // namespace pteron
