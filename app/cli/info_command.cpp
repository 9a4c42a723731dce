#include "app/cli/info_command.hpp"
#include "adapters/common/json_text.hpp"

#include "app/cli/command_line.hpp"
#include "app/cli/model_opening.hpp"
#include "app/cli/model_summary.hpp"
#include "core/quantity_text.hpp"

#include <array>
#include <cstdio>
#include <iomanip>

namespace pteron {

namespace {

std::string shapeText(const nlohmann::json& value) {
    if (value["shape"].is_null()) return value["dtype"].get<std::string>();
    std::string text = value["dtype"].get<std::string>() + "[";
    bool first = true;
    for (const auto& dim : value["shape"]) {
        text += (first ? "" : ",") + std::to_string(dim.get<std::int64_t>());
        first = false;
    }
    return text + "]" + (value.contains("dynamic") ? " (dynamic, upper bounds)" : "");
}

void printValues(std::ostream& out, const char* label, const nlohmann::json& values) {
    for (const auto& value : values)
        out << "    " << label << " " << std::left << std::setw(24)
            << value["name"].get<std::string>() << " " << shapeText(value) << "\n";
}

void printGraph(std::ostream& out, const nlohmann::json& graph) {
    out << "\ngraph " << graph["id"].get<std::string>() << " (" << graph["kind"].get<std::string>();
    if (!graph["parent"].is_null()) out << " in " << graph["parent"].get<std::string>();
    out << ", " << graph["node_count"] << " nodes)\n";
    printValues(out, "input ", graph["inputs"]);
    printValues(out, "output", graph["outputs"]);
    if (graph["op_histogram"].empty()) return;
    out << "    operators:\n";
    for (const auto& [op, count] : graph["op_histogram"].items())
        out << "      " << std::right << std::setw(5) << count.get<std::size_t>() << "  " << op
            << "\n";
}

void printPartition(std::ostream& out, const nlohmann::json& partition) {
    out << "  " << std::left << std::setw(28)
        << (partition["graph"].get<std::string>() + " " + partition["id"].get<std::string>()) << " "
        << std::setw(4) << partition["device"].get<std::string>() << " " << std::right
        << std::setw(5) << partition["node_count"].get<std::size_t>() << " nodes";
    if (!partition["target"].get<std::string>().empty())
        out << "  target " << partition["target"].get<std::string>();
    if (partition.contains("same_as")) {
        out << "  (decoded payload of " << partition["same_as"].get<std::string>() << ")";
    } else if (partition["delegated"].get<bool>()) {
        out << "  payload " << countText(partition["payload_bytes"].get<std::uint64_t>(), "byte");
        if (partition.contains("payload_location"))
            out << " (" << partition["payload_location"].get<std::string>() << ")";
        if (partition.contains("payload_magic"))
            out << " magic " << partition["payload_magic"].get<std::string>();
        if (!partition["child_graph"].is_null())
            out << " -> graph " << partition["child_graph"].get<std::string>();
    }
    out << "\n";
    if (partition.contains("compile_specs") && !partition.contains("same_as"))
        for (const auto& [key, text] : partition["compile_specs"].items())
            out << "      spec " << key << " = " << text.get<std::string>() << "\n";
    if (partition.contains("note"))
        out << "      note: " << partition["note"].get<std::string>() << "\n";
}

// "42.5 %", one decimal as the app shows shares.
std::string percent(double share) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %%", share * 100.0);
    return text;
}

void printText(std::ostream& out, const nlohmann::json& summary) {
    out << summary["file"].get<std::string>() << "\n";
    out << "format " << summary["format"].get<std::string>() << " "
        << summary["format_version"].get<std::string>() << "\n";
    for (const auto& [key, text] : summary["metadata"].items())
        out << "  " << key << ": " << text.get<std::string>() << "\n";
    for (const auto& graph : summary["graphs"])
        printGraph(out, graph);
    out << "\npartitions:\n";
    for (const auto& partition : summary["partitions"])
        printPartition(out, partition);
    const auto& placement = summary["placement"];
    out << "\noperators: " << placement["operators"].get<std::size_t>() << ", "
        << placement["npu_operators"].get<std::size_t>() << " on NPU ("
        << percent(placement["npu_share"].get<double>()) << ")\n";
    out << "\nconstant data: " << countText(summary["constant_bytes"].get<std::uint64_t>(), "byte")
        << "\n";
    for (const auto& table : summary["report_tables"])
        out << "report " << table["name"].get<std::string>() << ": "
            << table["row_count"].get<std::size_t>() << " rows, " << table["columns"].size()
            << " columns from " << table["source"].get<std::string>() << "\n";
}

} // namespace

void printInfo(const Model& model, bool json, std::ostream& out) {
    const auto summary = modelSummary(model);
    if (!json) {
        printText(out, summary);
        return;
    }
    // Damaged files may carry names that are not UTF-8; they print with U+FFFD, never throw.
    out << jsonText(summary, 2) << "\n";
}

int runInfoCommand(std::span<const std::string> args, std::ostream& out) {
    static constexpr std::array<std::string_view, 1> kFlags{"--json"};
    static constexpr std::array<std::string_view, 4> kValued{"--tosa-draft-dtypes", "--ptd",
                                                             "--etdump", "--debug-buffer"};
    const auto line = CommandLine::parse(args, kFlags, kValued);
    if (line.positional.size() != 1) throw UsageError("info needs exactly one FILE");
    printInfo(openModel(line, line.positional[0]), line.has("--json"), out);
    return 0;
}

} // namespace pteron
