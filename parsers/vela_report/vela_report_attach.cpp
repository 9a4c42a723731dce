#include "parsers/vela_report/vela_report_attach.hpp"

#include "core/format_error.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <unordered_map>

namespace pteron::vela_report {
namespace {

enum class Unit { Text, Real, Count, SecondsToMs, HzToMHz };

struct Figure {
    std::string_view column;
    std::string_view attribute;
    Unit unit;
};

// Readable names for Vela's summary columns, in the order they are shown.
constexpr Figure kFigures[] = {
    {"network", "vela.network", Unit::Text},
    {"accelerator_configuration", "vela.accelerator", Unit::Text},
    {"system_config", "vela.system_config", Unit::Text},
    {"memory_mode", "vela.memory_mode", Unit::Text},
    {"core_clock", "vela.core_clock_mhz", Unit::HzToMHz},
    {"inference_time", "vela.inference_time_ms", Unit::SecondsToMs},
    {"inferences_per_second", "vela.inferences_per_second", Unit::Real},
    {"batch_size", "vela.batch_size", Unit::Count},
    {"cycles_total", "vela.cycles_total", Unit::Count},
    {"cycles_npu", "vela.cycles_npu", Unit::Count},
    {"cycles_sram_access", "vela.cycles_sram_access", Unit::Count},
    {"cycles_dram_access", "vela.cycles_dram_access", Unit::Count},
    {"cycles_on_chip_flash_access", "vela.cycles_on_chip_flash_access", Unit::Count},
    {"cycles_off_chip_flash_access", "vela.cycles_off_chip_flash_access", Unit::Count},
    {"nn_macs", "vela.macs", Unit::Count},
    {"nn_tops", "vela.tops", Unit::Real},
    {"npu_operators", "vela.npu_ops", Unit::Count},
    {"cpu_operators", "vela.cpu_ops", Unit::Count},
    {"sram_memory_used", "vela.sram_used_kib", Unit::Real},
    {"dram_memory_used", "vela.dram_used_kib", Unit::Real},
    {"on_chip_flash_memory_used", "vela.on_chip_flash_used_kib", Unit::Real},
    {"off_chip_flash_memory_used", "vela.off_chip_flash_used_kib", Unit::Real},
    {"total_original_weights", "vela.original_weights_bytes", Unit::Count},
    {"total_npu_encoded_weights", "vela.encoded_weights_bytes", Unit::Count},
    {"sram_bandwidth", "vela.sram_bandwidth_gbps", Unit::Real},
    {"dram_bandwidth", "vela.dram_bandwidth_gbps", Unit::Real},
    {"on_chip_flash_bandwidth", "vela.on_chip_flash_bandwidth_gbps", Unit::Real},
    {"off_chip_flash_bandwidth", "vela.off_chip_flash_bandwidth_gbps", Unit::Real},
    {"weights_storage_area", "vela.weights_storage_area", Unit::Text},
    {"feature_map_storage_area", "vela.feature_map_storage_area", Unit::Text},
    {"passes_before_fusing", "vela.passes_before_fusing", Unit::Count},
    {"passes_after_fusing", "vela.passes_after_fusing", Unit::Count},
    {"vela_version", "vela.compiler_version", Unit::Text},
};

AttributeValue figureValue(const VelaSummary& summary, const Figure& figure) {
    switch (figure.unit) {
    case Unit::Text: {
        const CsvValue* value = summary.find(figure.column);
        if (const auto* text = value ? std::get_if<std::string>(value) : nullptr) return *text;
        return {};
    }
    case Unit::Count:
        if (auto count = summary.count(figure.column)) return *count;
        return {};
    case Unit::Real:
    case Unit::SecondsToMs:
    case Unit::HzToMHz: {
        auto number = summary.number(figure.column);
        if (!number) return {};
        const double scale = figure.unit == Unit::SecondsToMs ? 1e3
                             : figure.unit == Unit::HzToMHz   ? 1e-6
                                                              : 1.0;
        return *number * scale;
    }
    }
    return {};
}

AttributeValue cellAttribute(const CsvValue& value) {
    return std::visit(
        [](const auto& cell) -> AttributeValue {
            using T = std::decay_t<decltype(cell)>;
            if constexpr (std::is_same_v<T, std::monostate>)
                return std::monostate{};
            else
                return cell;
        },
        value);
}

const Figure* figureFor(std::string_view column) {
    for (const auto& figure : kFigures)
        if (figure.column == column) return &figure;
    return nullptr;
}

void setAttribute(Attributes& attributes, std::string name, AttributeValue value) {
    for (auto& attribute : attributes)
        if (attribute.name == name) {
            attribute.value = std::move(value);
            return;
        }
    attributes.push_back({std::move(name), std::move(value)});
}

// The row for a node: one named like the node, else one named like an output value.
const VelaLayerRow* rowFor(const Graph& graph, const Node& node,
                           const std::unordered_map<std::string, const VelaLayerRow*>& byName) {
    if (!node.name.empty())
        if (auto it = byName.find(node.name); it != byName.end()) return it->second;
    for (const auto& output : node.outputs)
        if (const Value* value = graph.value(output.value); value && !value->name.empty())
            if (auto it = byName.find(value->name); it != byName.end()) return it->second;
    return nullptr;
}

void annotate(Node& node, const VelaLayerRow& row) {
    if (row.opCycles) setAttribute(node.attributes, "vela.cycles", *row.opCycles);
    if (row.macs) setAttribute(node.attributes, "vela.macs", *row.macs);
    if (row.utilPercent) setAttribute(node.attributes, "vela.util", *row.utilPercent);
    if (!row.nngOperator.empty())
        setAttribute(node.attributes, "vela.nng_operator", row.nngOperator);
}

std::string stripSuffix(std::string text, std::string_view suffix) {
    if (text.size() > suffix.size() &&
        text.compare(text.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0)
        text.resize(text.size() - suffix.size());
    return text;
}

// "X_vela.tflite" -> "X"; legacy raw output "X_sg0_vela.npz" -> "X".
std::string reportBase(const std::filesystem::path& model) {
    std::string base = stripSuffix(model.stem().string(), "_vela");
    const auto sg = base.rfind("_sg");
    if (sg != std::string::npos && sg + 3 < base.size() &&
        std::all_of(base.begin() + static_cast<std::ptrdiff_t>(sg + 3), base.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))
        base.resize(sg);
    return base;
}

bool isSummaryName(const std::string& name, const std::string& base) {
    const std::string prefix = base + "_summary_";
    return name.size() > prefix.size() + 4 && name.compare(0, prefix.size(), prefix) == 0 &&
           name.compare(name.size() - 4, 4, ".csv") == 0;
}

template <typename T> AttributeValue optionalCell(const std::optional<T>& value) {
    if (!value) return std::monostate{};
    return *value;
}

AttributeValue textCell(const std::string& text) {
    if (text.empty()) return std::monostate{};
    return text;
}

ReportTable perLayerTable(const std::vector<VelaLayerRow>& rows, const std::string& source,
                          const std::unordered_map<const VelaLayerRow*, std::string>& matched) {
    ReportTable table;
    table.name = std::string(kPerLayerTable);
    table.source = source;
    table.columns = {"Section",
                     "Line",
                     "Original Operator",
                     "NNG Operator",
                     "Target",
                     "Memory Usage",
                     "Peak%",
                     "Op Cycles",
                     "Network% (cycles)",
                     "NPU",
                     "SRAM AC",
                     "DRAM AC",
                     "OnFlash AC",
                     "OffFlash AC",
                     "MAC Count",
                     "Network% (MAC)",
                     "Util% (MAC)",
                     "Name",
                     "Matched Node"};
    for (const auto& row : rows) {
        const auto node = matched.find(&row);
        table.rows.push_back(
            {static_cast<std::int64_t>(row.section), static_cast<std::int64_t>(row.line),
             textCell(row.originalOperator), textCell(row.nngOperator), textCell(row.target),
             optionalCell(row.memoryUsage), optionalCell(row.peakPercent),
             optionalCell(row.opCycles), optionalCell(row.cyclesPercent),
             optionalCell(row.npuCycles), optionalCell(row.sramAccessCycles),
             optionalCell(row.dramAccessCycles), optionalCell(row.onChipFlashAccessCycles),
             optionalCell(row.offChipFlashAccessCycles), optionalCell(row.macs),
             optionalCell(row.macsPercent), optionalCell(row.utilPercent), textCell(row.name),
             node == matched.end() ? AttributeValue{} : node->second});
    }
    return table;
}

} // namespace

Attributes summaryAttributes(const VelaSummary& summary) {
    Attributes attributes;
    for (const auto& figure : kFigures) {
        if (!summary.find(figure.column)) continue;
        auto value = figureValue(summary, figure);
        if (!std::holds_alternative<std::monostate>(value))
            attributes.push_back({std::string(figure.attribute), std::move(value)});
    }
    for (const auto& column : summary.columns) {
        if (figureFor(column.name)) continue;
        auto value = cellAttribute(column.value);
        if (!std::holds_alternative<std::monostate>(value))
            attributes.push_back({"vela." + column.name, std::move(value)});
    }
    return attributes;
}

void attachVelaReport(Model& model, const VelaSummary& summary,
                      const std::vector<VelaLayerRow>* rows, const std::string& rowsSource) {
    for (auto& attribute : summaryAttributes(summary))
        setAttribute(model.metadata, std::move(attribute.name), std::move(attribute.value));
    if (rows) attachVelaLayers(model, *rows, rowsSource);
}

void attachVelaLayers(Model& model, const std::vector<VelaLayerRow>& rows,
                      const std::string& source) {
    std::unordered_map<std::string, const VelaLayerRow*> byName;
    std::int64_t npu = 0;
    std::int64_t cpu = 0;
    for (const auto& row : rows) {
        if (!row.name.empty()) byName.emplace(row.name, &row);
        npu += row.target == "NPU";
        cpu += row.target == "CPU";
    }
    std::vector<const VelaLayerRow*> matched;
    std::unordered_map<const VelaLayerRow*, std::string> matchedNode;
    for (auto& graph : model.graphs)
        for (auto& node : graph.nodes)
            if (const VelaLayerRow* row = rowFor(graph, node, byName)) {
                annotate(node, *row);
                matched.push_back(row);
                matchedNode.try_emplace(row, graph.id + "/" + node.name);
            }
    model.reportTables.erase(
        std::remove_if(model.reportTables.begin(), model.reportTables.end(),
                       [](const ReportTable& table) { return table.name == kPerLayerTable; }),
        model.reportTables.end());
    model.reportTables.push_back(perLayerTable(rows, source, matchedNode));
    std::sort(matched.begin(), matched.end());
    matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
    setAttribute(model.metadata, "vela.per_layer_rows", static_cast<std::int64_t>(rows.size()));
    setAttribute(model.metadata, "vela.per_layer_matched",
                 static_cast<std::int64_t>(matched.size()));
    // The summary has no operator counts; Regor's Target column gives them.
    if (npu + cpu > 0 && !findAttribute(model.metadata, "vela.npu_ops")) {
        setAttribute(model.metadata, "vela.npu_ops", npu);
        setAttribute(model.metadata, "vela.cpu_ops", cpu);
    }
}

std::vector<std::string> findReportsBeside(const std::string& modelPath) {
    namespace fs = std::filesystem;
    const fs::path model(modelPath);
    const std::string base = reportBase(model);
    fs::path folder = model.parent_path();
    if (folder.empty()) folder = ".";
    std::vector<std::string> summaries;
    std::vector<std::string> perLayer;
    std::error_code error;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        if (!it->is_regular_file(error)) continue;
        const std::string name = it->path().filename().string();
        if (isSummaryName(name, base))
            summaries.push_back(it->path().string());
        else if (name == base + "_per-layer.csv")
            perLayer.push_back(it->path().string());
    }
    std::sort(summaries.begin(), summaries.end());
    summaries.insert(summaries.end(), perLayer.begin(), perLayer.end());
    return summaries;
}

namespace {

// Operators of the model's top-level graphs: on an NPU partition (Vela's ethos-u operators) or
// left on the CPU. Nothing is set for a model without operators.
void setOperatorCounts(Model& model) {
    std::int64_t npu = 0;
    std::int64_t cpu = 0;
    for (const auto index : model.topLevelGraphs()) {
        const auto& graph = model.graphs[index];
        for (const auto& node : graph.nodes) {
            const bool onNpu = node.partition < graph.partitions.size() &&
                               graph.partitions[node.partition].device == DeviceClass::NPU;
            ++(onNpu ? npu : cpu);
        }
    }
    if (npu + cpu == 0) return;
    setAttribute(model.metadata, "vela.npu_ops", npu);
    setAttribute(model.metadata, "vela.cpu_ops", cpu);
}

} // namespace

std::vector<std::string> attachReportsBeside(Model& model, const std::string& modelPath) {
    std::vector<std::string> attached;
    std::vector<VelaLayerRow> rows;
    bool haveRows = false;
    std::string rowsSource;
    std::vector<std::string> summaries;
    const std::string base = reportBase(std::filesystem::path(modelPath));
    try {
        for (const auto& path : findReportsBeside(modelPath)) {
            if (isSummaryName(std::filesystem::path(path).filename().string(), base)) {
                summaries.push_back(path);
                continue;
            }
            rows = readVelaPerLayer(path).rows;
            haveRows = true;
            rowsSource = path;
            attached.push_back(path);
        }
        // One summary per system config; the first (sorted) one is attached. Vela names the
        // network and its files after the input, so a summary whose file name pairs with the
        // model but whose network differs was renamed with it: attached, with a note.
        std::optional<VelaSummary> summary;
        if (!summaries.empty()) summary = readVelaSummary(summaries.front());
        if (summary && !summary->network().empty() && summary->network() != base)
            setAttribute(model.metadata, "vela.report_note",
                         "summary " + summaries.front() + " describes network \"" +
                             summary->network() + "\", not \"" + base +
                             "\"; attached because its file name pairs with this model");
        if (summary) {
            attachVelaReport(model, *summary, haveRows ? &rows : nullptr, rowsSource);
            attached.push_back(summaries.front());
        } else if (haveRows) {
            attachVelaLayers(model, rows, rowsSource);
        }
    } catch (const FormatError& error) {
        setAttribute(model.metadata, "vela.report_error", std::string(error.what()));
    }
    if (attached.empty()) return attached;
    setAttribute(model.metadata, "vela.report_files", attached);
    setOperatorCounts(model);
    return attached;
}

} // namespace pteron::vela_report
