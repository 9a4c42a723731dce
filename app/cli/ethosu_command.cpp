#include "app/cli/ethosu_command.hpp"

#include "app/cli/command_line.hpp"
#include "app/cli/model_opening.hpp"
#include "core/format_error.hpp"
#include "core/node_layers.hpp"
#include "parsers/ethosu/ethosu_graph.hpp"

#include <array>

namespace pteron {
namespace {

std::string operandText(const Graph& graph, const Operand& operand) {
    const auto* value = graph.value(operand.value);
    if (!value) return operand.name + "=none";
    return operand.name + "=" + value->name + ":" + value->typeText();
}

void printOperations(std::ostream& out, const Graph& graph) {
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto& node = graph.nodes[i];
        out << "  #" << i << " " << node.op << "\n";
        for (const auto& operand : node.inputs)
            out << "      in  " << operandText(graph, operand) << "\n";
        for (const auto& operand : node.outputs)
            out << "      out " << operandText(graph, operand) << "\n";
        for (const auto& attribute : node.attributes)
            out << "      " << attribute.name << " = " << toString(attribute.value) << "\n";
    }
}

// The layers the operations implement, each with the operations it groups.
void printLayers(std::ostream& out, const Graph& graph) {
    const auto layers = nodeLayers(graph);
    if (layers.empty()) return;
    out << "  layers (" << layers.size() << "):\n";
    for (const auto& layer : layers) {
        out << "    layer " << layer.id << ": " << layer.label << "  (" << layer.nodes.size()
            << (layer.nodes.size() == 1 ? " operation" : " operations") << ":";
        for (const auto n : layer.nodes)
            out << " #" << n;
        out << ")\n";
    }
}

void printRegisters(std::ostream& out, const Graph& graph) {
    const auto* listing = findAttribute(graph.attributes, ethosu::kRegisterListing);
    const auto* lines = listing ? std::get_if<std::vector<std::string>>(&listing->value) : nullptr;
    if (!lines) return;
    out << "  register commands (" << lines->size() << "):\n";
    for (const auto& line : *lines)
        out << "    " << line << "\n";
}

void printStream(std::ostream& out, const Graph& graph, bool registers) {
    out << "command stream " << graph.id << "\n";
    if (!graph.partitions.empty()) out << "  target " << graph.partitions[0].target << "\n";
    for (const auto& attribute : graph.attributes) {
        if (attribute.name == ethosu::kRegisterListing) continue;
        out << "  " << attribute.name << ": " << toString(attribute.value) << "\n";
    }
    const auto histogram = graph.opHistogram();
    for (const auto& [op, count] : histogram)
        out << "  " << count << " x " << op << "\n";
    printLayers(out, graph);
    printOperations(out, graph);
    if (registers) printRegisters(out, graph);
}

} // namespace

int runEthosuCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
    static constexpr std::array<std::string_view, 1> kFlags{"--registers"};
    static constexpr std::array<std::string_view, 2> kValued{"--tosa-draft-dtypes", "--ptd"};
    const auto line = CommandLine::parse(args, kFlags, kValued);
    if (line.positional.size() != 1) throw UsageError("ethosu needs exactly one FILE");
    const auto model = openModel(line, line.positional[0]);
    std::size_t streams = 0;
    for (const auto& graph : model.graphs) {
        if (graph.kind != "command-stream") continue;
        printStream(out, graph, line.has("--registers"));
        ++streams;
    }
    if (streams == 0) {
        err << "pteron: " << line.positional[0] << " holds no Ethos-U command stream\n";
        return 2;
    }
    return 0;
}

} // namespace pteron
