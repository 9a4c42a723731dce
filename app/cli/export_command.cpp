#include "app/cli/export_command.hpp"
#include "adapters/common/json_text.hpp"

#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "adapters/model_explorer/node_data_overlay.hpp"
#include "adapters/model_explorer/sync_mapping.hpp"
#include "app/cli/command_line.hpp"
#include "app/cli/diff_command.hpp"
#include "app/cli/model_opening.hpp"
#include "app/cli/output_file.hpp"
#include "diff/diff_attributes.hpp"
#include "parsers/registry.hpp"

#include <array>
#include <charconv>
#include <iostream>
#include <stdexcept>

namespace pteron {

namespace {

std::size_t maxConstantElements(const CommandLine& line) {
    const auto text = line.value("--max-constant-elements");
    if (!text) return ModelExplorerOptions{}.maxConstantElements;
    std::size_t count = 0;
    const auto* end = text->data() + text->size();
    const auto [stop, error] = std::from_chars(text->data(), end, count);
    if (error != std::errc() || stop != end)
        throw UsageError("--max-constant-elements needs a count, got " + *text);
    return count;
}

BackendPalette palette(const CommandLine& line) {
    try {
        return BackendPalette::locate(line.value("--palette").value_or(""));
    } catch (const std::invalid_argument& error) {
        throw UsageError(error.what());
    }
}

std::string metricList(const Model& model) {
    const auto metrics = overlayMetrics(model);
    if (metrics.empty())
        return "no numeric node attribute in this model is a metric (a namespaced name or macs, "
               "cycles, duration)\n";
    std::string text = "metrics (nodes carrying them):\n";
    for (const auto& [name, count] : metrics)
        text += "  " + name + "  " + std::to_string(count) + "\n";
    return text;
}

int exportModelExplorer(const CommandLine& line, std::ostream& out) {
    if (line.positional.size() != 1) throw UsageError("export --to model-explorer needs one FILE");
    const auto model = openModel(line, line.positional[0]);
    const ModelExplorerWriter writer(palette(line), {maxConstantElements(line)});
    writeOutput(line.value("--output").value_or("-"), jsonText(writer.collection(model)), out);
    return 0;
}

int exportNodeData(const CommandLine& line, std::ostream& out) {
    if (line.positional.size() != 1) throw UsageError("export --to node-data needs one FILE");
    const auto metric = line.value("--metric");
    if (!metric) throw UsageError("export --to node-data needs --metric M (or --metric help)");
    auto model = openModel(line, line.positional[0]);
    // --diff B: side A's nodes carry the diff.* metrics of a run against B first.
    if (const auto other = line.value("--diff"))
        diff::attachDiffMetrics(model, diffArtifacts(line, model, *other));
    if (*metric == "help") {
        out << metricList(model);
        return 0;
    }
    try {
        writeOutput(line.value("--output").value_or("-"),
                    jsonText(nodeDataOverlay(model, *metric, diff::higherIsBetter(*metric)), 2),
                    out);
    } catch (const std::invalid_argument& error) {
        throw UsageError(std::string(error.what()) + "\n" + metricList(model));
    }
    return 0;
}

int exportMapping(const CommandLine& line, std::ostream& out) {
    if (line.positional.size() != 2) throw UsageError("export --to mapping needs two files A B");
    const auto left = openModel(line, line.positional[0]);
    const auto right = openModel(line, line.positional[1]);
    try {
        writeOutput(line.value("--output").value_or("-"), jsonText(syncMapping(left, right), 2),
                    out);
    } catch (const std::invalid_argument& error) {
        std::cerr << "pteron: " << error.what() << "\n";
        return 2;
    }
    return 0;
}

} // namespace

int runExportCommand(std::span<const std::string> args, std::ostream& out) {
    static constexpr std::array<std::string_view, 0> kFlags{};
    static constexpr std::array<std::string_view, 19> kValued{"--tosa-draft-dtypes",
                                                              "--to",
                                                              "--output",
                                                              "--max-constant-elements",
                                                              "--metric",
                                                              "--palette",
                                                              "--ptd",
                                                              "--etdump",
                                                              "--diff",
                                                              "--inputs",
                                                              "--input",
                                                              "--seed",
                                                              "--delegate",
                                                              "--delegate-a",
                                                              "--threads",
                                                              "--rtol",
                                                              "--atol",
                                                              "--steps",
                                                              "--method"};
    const auto expanded = expandShortOutput(args);
    const auto line = CommandLine::parse(expanded, kFlags, kValued);
    const auto target = line.value("--to");
    if (!target) throw UsageError("export needs --to model-explorer|node-data|mapping");
    if (*target == "model-explorer") return exportModelExplorer(line, out);
    if (*target == "node-data") return exportNodeData(line, out);
    if (*target == "mapping") return exportMapping(line, out);
    throw UsageError("unknown export target " + *target);
}

} // namespace pteron
