#include "app/cli/nodes_command.hpp"

#include "app/cli/command_line.hpp"
#include "app/cli/model_opening.hpp"

#include <array>

namespace pteron {

namespace {

std::string operandsText(const Graph& graph, const std::vector<Operand>& operands) {
    std::string text;
    for (const auto& operand : operands) {
        if (!text.empty()) text += ", ";
        const auto* value = graph.value(operand.value);
        text += value ? value->name + ":" + value->typeText() : "none";
    }
    return text;
}

void printGraphNodes(std::ostream& out, const Graph& graph) {
    out << "graph " << graph.id << "\n";
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto& node = graph.nodes[i];
        const auto& partition = graph.partitions.at(node.partition);
        out << "  #" << i << " " << node.op << "  [" << partition.backend << "/"
            << deviceClassName(partition.device) << "]\n";
        out << "      in:  " << operandsText(graph, node.inputs) << "\n";
        out << "      out: " << operandsText(graph, node.outputs) << "\n";
        for (const auto& attribute : node.attributes)
            out << "      " << attribute.name << " = " << toString(attribute.value) << "\n";
        if (!node.location.empty()) out << "      at " << node.location << "\n";
    }
}

} // namespace

int runNodesCommand(std::span<const std::string> args, std::ostream& out) {
    static constexpr std::array<std::string_view, 0> kFlags{};
    static constexpr std::array<std::string_view, 5> kValued{"--tosa-draft-dtypes", "--graph",
                                                             "--ptd", "--etdump", "--debug-buffer"};
    const auto line = CommandLine::parse(args, kFlags, kValued);
    if (line.positional.size() != 1) throw UsageError("nodes needs exactly one FILE");
    const auto model = openModel(line, line.positional[0]);
    const auto wanted = line.value("--graph");
    if (!wanted && model.graphs.empty()) {
        // Nothing to list is a fact about the file, not a usage error.
        out << line.positional[0] << ": no graph to list (" << model.format << ")\n";
        return 0;
    }
    bool found = false;
    for (const auto& graph : model.graphs) {
        if (wanted && graph.id != *wanted) continue;
        printGraphNodes(out, graph);
        found = true;
    }
    if (!found) throw UsageError("no graph with id " + wanted.value_or(""));
    return 0;
}

} // namespace pteron
