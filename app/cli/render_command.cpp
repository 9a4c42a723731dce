#include "app/cli/render_command.hpp"

#include "adapters/graphviz/layout_service.hpp"
#include "app/cli/command_line.hpp"
#include "app/cli/model_opening.hpp"
#include "app/cli/output_file.hpp"

#include <array>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace pteron {

namespace {

// --format wins; otherwise the output's extension; SVG for standard output.
std::string renderFormat(const CommandLine& line, const std::string& output) {
    if (auto format = line.value("--format")) return *format;
    const auto extension = std::filesystem::path(output).extension().string();
    return extension.empty() ? "svg" : extension.substr(1);
}

const Graph& chosenGraph(const Model& model, const std::optional<std::string>& wanted) {
    if (wanted) {
        if (const auto* graph = model.findGraph(*wanted)) return *graph;
        throw UsageError("no graph with id " + *wanted);
    }
    const auto top = model.topLevelGraphs();
    if (top.empty()) throw UsageError("the model has no graph to render");
    return model.graphs[top.front()];
}

} // namespace

int runRenderCommand(std::span<const std::string> args, std::ostream& out) {
    static constexpr std::array<std::string_view, 2> kFlags{"--left-to-right", "--no-clusters"};
    static constexpr std::array<std::string_view, 7> kValued{
        "--tosa-draft-dtypes", "--graph", "--output", "--format", "--palette", "--ptd", "--etdump"};
    const auto expanded = expandShortOutput(args);
    const auto line = CommandLine::parse(expanded, kFlags, kValued);
    if (line.positional.size() != 1) throw UsageError("render needs exactly one FILE");
    const auto model = openModel(line, line.positional[0]);
    const auto& graph = chosenGraph(model, line.value("--graph"));
    const auto output = line.value("--output").value_or("-");

    CGraphOptions graphOptions;
    graphOptions.leftToRight = line.has("--left-to-right");
    graphOptions.clusters = !line.has("--no-clusters");
    try {
        const auto palette = BackendPalette::locate(line.value("--palette").value_or(""));
        const auto format = renderFormat(line, output);
        // Raster output needs the installed plugins; vector output stays machine-independent.
        LayoutService service(format == "png" ? GraphvizPlugins::System : GraphvizPlugins::BuiltIn);
        writeOutput(output, service.render(graph, palette, format, graphOptions), out);
    } catch (const std::invalid_argument& error) {
        throw UsageError(error.what());
    } catch (const std::runtime_error& error) {
        std::cerr << "pteron: " << error.what() << "\n";
        return 2;
    }
    return 0;
}

} // namespace pteron
