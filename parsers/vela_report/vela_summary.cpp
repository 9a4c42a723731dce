#include "parsers/vela_report/vela_summary.hpp"

#include "core/format_error.hpp"
#include "core/mapped_file.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>

namespace pteron::vela_report {
namespace {

const std::string kFormat(kSummaryFormat);

bool hasColumn(const std::vector<std::string>& header, std::string_view name) {
    return std::find(header.begin(), header.end(), name) != header.end();
}

std::string location(std::size_t line, std::size_t column) {
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

void checkHeader(const CsvRow& header, const std::string& file) {
    if (!isSummaryHeader(header.cells))
        throw FormatError(file, kFormat, location(header.line, 1),
                          "a Vela summary header naming network, accelerator_configuration and "
                          "cycles_total");
    for (std::size_t i = 0; i < header.cells.size(); ++i) {
        const auto& name = header.cells[i];
        if (name.empty())
            throw FormatError(file, kFormat, location(header.line, i + 1), "a column name");
        if (std::find(header.cells.begin(), header.cells.begin() + static_cast<std::ptrdiff_t>(i),
                      name) != header.cells.begin() + static_cast<std::ptrdiff_t>(i))
            throw FormatError(file, kFormat, location(header.line, i + 1),
                              "a column name used once, found \"" + name + "\" twice");
    }
}

enum class ColumnKind { Text, Number, Unknown };

// Per-memory-area figures: {sram,dram,on_chip_flash,off_chip_flash}_<suffix>.
bool isAreaFigure(std::string_view name) {
    for (std::string_view area : {"sram_", "dram_", "on_chip_flash_", "off_chip_flash_"}) {
        if (name.substr(0, area.size()) != area) continue;
        const auto rest = name.substr(area.size());
        for (std::string_view suffix :
             {"bandwidth", "memory_used", "feature_map_read_bytes", "feature_map_write_bytes",
              "weight_read_bytes", "weight_write_bytes", "total_bytes"})
            if (rest == suffix) return true;
    }
    return false;
}

// Columns Vela's summary writer emits; anything else is kept as its text.
ColumnKind columnKind(std::string_view name) {
    for (std::string_view text :
         {"experiment", "network", "accelerator_configuration", "system_config", "memory_mode",
          "weights_storage_area", "feature_map_storage_area"})
        if (name == text) return ColumnKind::Text;
    for (std::string_view number :
         {"core_clock", "arena_cache_size", "inferences_per_second", "batch_size", "inference_time",
          "passes_before_fusing", "passes_after_fusing", "total_original_weights",
          "total_npu_encoded_weights", "nn_macs", "nn_tops"})
        if (name == number) return ColumnKind::Number;
    if (isAreaFigure(name) || name.substr(0, 7) == "cycles_") return ColumnKind::Number;
    return ColumnKind::Unknown;
}

CsvValue typedColumn(const std::string& name, const std::string& cell, std::size_t line,
                     std::size_t column, const std::string& file) {
    const auto kind = columnKind(name);
    if (kind != ColumnKind::Number) return cell;
    auto value = typeCell(cell);
    if (std::holds_alternative<std::string>(value))
        throw FormatError(file, kFormat, location(line, column),
                          "a number in column " + name + ", found \"" + cell + "\"");
    return value;
}

std::optional<std::int64_t> firstCount(const VelaSummary& summary,
                                       std::initializer_list<std::string_view> names) {
    for (auto name : names)
        if (auto value = summary.count(name)) return value;
    return std::nullopt;
}

} // namespace

const CsvValue* VelaSummary::find(std::string_view column) const {
    for (const auto& entry : columns)
        if (entry.name == column) return &entry.value;
    return nullptr;
}

std::string VelaSummary::text(std::string_view column) const {
    const CsvValue* value = find(column);
    if (!value) return {};
    if (const auto* text = std::get_if<std::string>(value)) return *text;
    return {};
}

std::optional<double> VelaSummary::number(std::string_view column) const {
    const CsvValue* value = find(column);
    if (!value) return std::nullopt;
    // Columns outside Vela's list are kept as text; they still read as numbers on request.
    if (const auto* text = std::get_if<std::string>(value)) return cellNumber(typeCell(*text));
    return cellNumber(*value);
}

std::optional<std::int64_t> VelaSummary::count(std::string_view column) const {
    const CsvValue* value = find(column);
    if (!value) return std::nullopt;
    if (const auto* integer = std::get_if<std::int64_t>(value)) return *integer;
    const auto* number = std::get_if<double>(value);
    double parsed = 0;
    if (const auto* text = std::get_if<std::string>(value)) {
        const auto typed = cellNumber(typeCell(*text));
        if (!typed) return std::nullopt;
        parsed = *typed;
        number = &parsed;
    }
    // Only finite values that fit; nan (Vela's "no estimate") gives no count.
    if (!number || !std::isfinite(*number) || std::fabs(*number) > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*number));
}

std::optional<std::int64_t> VelaSummary::npuOperators() const {
    return firstCount(*this, {"npu_operators", "npu_ops"});
}

std::optional<std::int64_t> VelaSummary::cpuOperators() const {
    return firstCount(*this, {"cpu_operators", "cpu_ops"});
}

std::string VelaSummary::compilerVersion() const {
    for (auto name : {"vela_version", "compiler_version"}) {
        const CsvValue* value = find(name);
        if (!value) continue;
        if (const auto* text = std::get_if<std::string>(value)) return *text;
    }
    return {};
}

bool isSummaryHeader(const std::vector<std::string>& header) {
    return hasColumn(header, "network") && hasColumn(header, "accelerator_configuration") &&
           hasColumn(header, "cycles_total");
}

VelaSummary parseVelaSummary(std::string_view text, const std::string& file) {
    const auto rows = tokenizeCsv(text, file, kFormat);
    if (rows.empty()) throw FormatError(file, kFormat, location(1, 1), "a header row");
    checkHeader(rows.front(), file);
    if (rows.size() < 2)
        throw FormatError(file, kFormat, location(rows.front().line + 1, 1),
                          "a data row after the header");
    if (rows.size() > 2)
        throw FormatError(file, kFormat, location(rows[2].line, 1),
                          "one data row; Vela writes one summary per file");
    const auto& header = rows[0].cells;
    const auto& data = rows[1];
    if (data.cells.size() != header.size())
        throw FormatError(file, kFormat,
                          location(data.line, std::min(data.cells.size(), header.size()) + 1),
                          std::to_string(header.size()) + " cells as in the header, found " +
                              std::to_string(data.cells.size()));
    VelaSummary summary;
    summary.file = file;
    summary.columns.reserve(header.size());
    for (std::size_t i = 0; i < header.size(); ++i)
        summary.columns.push_back(
            {header[i], typedColumn(header[i], data.cells[i], data.line, i + 1, file)});
    return summary;
}

VelaSummary readVelaSummary(std::span<const std::byte> bytes, const std::string& file) {
    return parseVelaSummary({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, file);
}

VelaSummary readVelaSummary(const std::string& path) {
    const auto file = MappedFile::open(path);
    return readVelaSummary(file->bytes(), path);
}

} // namespace pteron::vela_report
