#include "parsers/vela_report/vela_per_layer.hpp"

#include "core/format_error.hpp"
#include "core/mapped_file.hpp"

#include <algorithm>
#include <cmath>

namespace pteron::vela_report {
namespace {

const std::string kFormat(kPerLayerFormat);

enum class Role {
    OriginalOperator,
    NngOperator,
    Target,
    MemoryUsage,
    PeakPercent,
    OpCycles,
    CyclesPercent,
    NpuCycles,
    SramAccess,
    DramAccess,
    OnChipFlashAccess,
    OffChipFlashAccess,
    Macs,
    MacsPercent,
    UtilPercent,
    Name,
    Extra,
};

struct NamedRole {
    std::string_view column;
    Role role;
};

// Columns both layouts share under the same name.
constexpr NamedRole kCommonColumns[] = {
    {"NNG Operator", Role::NngOperator},
    {"Op Cycles", Role::OpCycles},
    {"NPU", Role::NpuCycles},
    {"SRAM AC", Role::SramAccess},
    {"DRAM AC", Role::DramAccess},
    {"OnFlash AC", Role::OnChipFlashAccess},
    {"OffFlash AC", Role::OffChipFlashAccess},
    {"MAC Count", Role::Macs},
    {"Name", Role::Name},
};

constexpr NamedRole kRegorColumns[] = {
    {"Original Operator", Role::OriginalOperator},
    {"Target", Role::Target},
    {"Staging Usage", Role::MemoryUsage},
    {"Peak% (Staging)", Role::PeakPercent},
    {"Network% (cycles)", Role::CyclesPercent},
    {"Network% (MAC)", Role::MacsPercent},
    {"Util% (MAC)", Role::UtilPercent},
};

constexpr NamedRole kLegacyColumns[] = {
    {"SRAM Usage", Role::MemoryUsage},
    {"Peak%", Role::PeakPercent},
    {"Util%", Role::UtilPercent},
};

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool has(const std::vector<std::string>& header, std::string_view name) {
    return std::find(header.begin(), header.end(), name) != header.end();
}

std::string location(std::size_t line, std::size_t column) {
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

template <std::size_t N>
std::optional<Role> lookup(const NamedRole (&table)[N], std::string_view column) {
    for (const auto& entry : table)
        if (entry.column == column) return entry.role;
    return std::nullopt;
}

// The role of every header cell; the legacy layout names "Network%" twice (cycles, then MACs).
std::vector<Role> headerRoles(const std::vector<std::string>& header, PerLayerLayout layout) {
    std::vector<Role> roles;
    bool sawNetworkPercent = false;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const auto& column = header[i];
        std::optional<Role> role = lookup(kCommonColumns, column);
        if (!role && layout == PerLayerLayout::Regor) role = lookup(kRegorColumns, column);
        if (!role && layout == PerLayerLayout::Legacy) {
            role = lookup(kLegacyColumns, column);
            if (i == 0) role = Role::OriginalOperator;
            if (column == "Network%") {
                role = sawNetworkPercent ? Role::MacsPercent : Role::CyclesPercent;
                sawNetworkPercent = true;
            }
        }
        roles.push_back(role.value_or(Role::Extra));
    }
    return roles;
}

class RowReader {
  public:
    RowReader(const std::string& file, const CsvRow& row) : file_(file), row_(row) {}

    std::optional<double> real(std::size_t index) const {
        const auto value = typeCell(row_.cells[index]);
        if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
        const auto number = cellNumber(value);
        if (!number)
            throw FormatError(file_, kFormat, location(row_.line, index + 1),
                              "a number, found \"" + row_.cells[index] + "\"");
        if (std::isnan(*number)) return std::nullopt;
        return number;
    }

    std::optional<std::int64_t> count(std::size_t index) const {
        const auto number = real(index);
        if (!number || !std::isfinite(*number) || std::fabs(*number) > 9.0e18) return std::nullopt;
        return static_cast<std::int64_t>(std::llround(*number));
    }

  private:
    const std::string& file_;
    const CsvRow& row_;
};

void assign(VelaLayerRow& out, Role role, const std::string& column, std::size_t index,
            const CsvRow& row, const RowReader& reader) {
    const std::string& cell = row.cells[index];
    switch (role) {
    case Role::OriginalOperator:
        out.originalOperator = cell;
        return;
    case Role::NngOperator:
        out.nngOperator = cell;
        return;
    case Role::Target:
        out.target = cell;
        return;
    case Role::MemoryUsage:
        out.memoryUsage = reader.count(index);
        return;
    case Role::PeakPercent:
        out.peakPercent = reader.real(index);
        return;
    case Role::OpCycles:
        out.opCycles = reader.count(index);
        return;
    case Role::CyclesPercent:
        out.cyclesPercent = reader.real(index);
        return;
    case Role::NpuCycles:
        out.npuCycles = reader.count(index);
        return;
    case Role::SramAccess:
        out.sramAccessCycles = reader.count(index);
        return;
    case Role::DramAccess:
        out.dramAccessCycles = reader.count(index);
        return;
    case Role::OnChipFlashAccess:
        out.onChipFlashAccessCycles = reader.count(index);
        return;
    case Role::OffChipFlashAccess:
        out.offChipFlashAccessCycles = reader.count(index);
        return;
    case Role::Macs:
        out.macs = reader.count(index);
        return;
    case Role::MacsPercent:
        out.macsPercent = reader.real(index);
        return;
    case Role::UtilPercent:
        out.utilPercent = reader.real(index);
        return;
    case Role::Name:
        out.name = cell;
        return;
    case Role::Extra:
        out.extra.emplace_back(column, cell);
        return;
    }
}

// Regor writes cells unquoted, so a name holding commas spills into extra cells; the name is
// the last column, so those cells are joined back.
CsvRow joinSpilledName(CsvRow row, const std::vector<Role>& roles) {
    if (row.cells.size() <= roles.size() || roles.back() != Role::Name) return row;
    std::string name = row.cells[roles.size() - 1];
    for (std::size_t i = roles.size(); i < row.cells.size(); ++i)
        name += "," + row.cells[i];
    row.cells.resize(roles.size());
    row.cells.back() = std::move(name);
    return row;
}

} // namespace

std::string_view perLayerLayoutName(PerLayerLayout layout) {
    return layout == PerLayerLayout::Regor ? "regor" : "legacy";
}

std::optional<PerLayerLayout> perLayerLayout(const std::vector<std::string>& header) {
    if (header.empty() || !has(header, "NNG Operator") || !has(header, "Op Cycles"))
        return std::nullopt;
    if (header.front() == "Original Operator") return PerLayerLayout::Regor;
    if (endsWith(header.front(), "_operator") && has(header, "SRAM Usage"))
        return PerLayerLayout::Legacy;
    return std::nullopt;
}

VelaPerLayer parseVelaPerLayer(std::string_view text, const std::string& file) {
    const auto rows = tokenizeCsv(text, file, kFormat);
    if (rows.empty()) throw FormatError(file, kFormat, location(1, 1), "a header row");
    const auto& header = rows.front();
    const auto layout = perLayerLayout(header.cells);
    if (!layout)
        throw FormatError(file, kFormat, location(header.line, 1),
                          "a Vela per-layer header (\"Original Operator\" or "
                          "\"<TFLite|TOSA>_operator\", \"NNG Operator\", \"Op Cycles\")");
    VelaPerLayer report;
    report.file = file;
    report.layout = *layout;
    report.operatorColumn = header.cells.front();
    const auto roles = headerRoles(header.cells, *layout);
    std::size_t section = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (rows[r].cells == header.cells) {
            ++section;
            continue;
        }
        const CsvRow row = joinSpilledName(rows[r], roles);
        if (row.cells.size() != roles.size())
            throw FormatError(file, kFormat,
                              location(row.line, std::min(row.cells.size(), roles.size()) + 1),
                              std::to_string(roles.size()) + " cells as in the header, found " +
                                  std::to_string(row.cells.size()));
        VelaLayerRow out;
        out.line = row.line;
        out.section = section;
        const RowReader reader(file, row);
        for (std::size_t i = 0; i < roles.size(); ++i)
            assign(out, roles[i], header.cells[i], i, row, reader);
        report.rows.push_back(std::move(out));
    }
    return report;
}

VelaPerLayer readVelaPerLayer(std::span<const std::byte> bytes, const std::string& file) {
    return parseVelaPerLayer({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, file);
}

VelaPerLayer readVelaPerLayer(const std::string& path) {
    const auto file = MappedFile::open(path);
    return readVelaPerLayer(file->bytes(), path);
}

} // namespace pteron::vela_report
