// Vela's per-layer performance CSV (<name>_per-layer.csv from --verbose-performance), in the
// Regor and the legacy column layouts.
#pragma once

#include "parsers/vela_report/csv_table.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pteron::vela_report {

inline constexpr std::string_view kPerLayerFormat = "vela-per-layer";

enum class PerLayerLayout {
    Regor,  // 16 columns starting "Original Operator", with a Target column
    Legacy, // 15 columns starting "<TFLite|TOSA>_operator"; "Network%" twice; header per subgraph
};

std::string_view perLayerLayoutName(PerLayerLayout layout);

struct VelaLayerRow {
    std::size_t line = 0;                    // where the row starts in the file
    std::size_t section = 0;                 // legacy files repeat the header once per NPU subgraph
    std::string originalOperator;            // "CONV_2D"; "N/A" when Vela could not trace it
    std::string nngOperator;                 // Vela's internal operator, "Conv2DBias"
    std::string target;                      // "NPU" or "CPU" (Regor); empty in the legacy layout
    std::optional<std::int64_t> memoryUsage; // staging (Regor) or SRAM (legacy) usage, bytes
    std::optional<double> peakPercent;
    std::optional<std::int64_t> opCycles;
    std::optional<double> cyclesPercent; // share of the network's cycles
    std::optional<std::int64_t> npuCycles;
    std::optional<std::int64_t> sramAccessCycles;
    std::optional<std::int64_t> dramAccessCycles;
    std::optional<std::int64_t> onChipFlashAccessCycles;
    std::optional<std::int64_t> offChipFlashAccessCycles;
    std::optional<std::int64_t> macs;
    std::optional<double> macsPercent; // share of the network's MACs
    std::optional<double> utilPercent; // MACs over the peak the op's cycles allow
    std::string name;
    // Columns outside the layout, as text.
    std::vector<std::pair<std::string, std::string>> extra;
};

struct VelaPerLayer {
    std::string file;
    PerLayerLayout layout = PerLayerLayout::Regor;
    std::string operatorColumn; // first header cell: "Original Operator", "TFLite_operator"
    std::vector<VelaLayerRow> rows;
};

// The layout a header row belongs to, or nullopt when it is no per-layer header.
std::optional<PerLayerLayout> perLayerLayout(const std::vector<std::string>& header);

// Throws FormatError naming line and column.
VelaPerLayer parseVelaPerLayer(std::string_view text, const std::string& file);
VelaPerLayer readVelaPerLayer(std::span<const std::byte> bytes, const std::string& file);
VelaPerLayer readVelaPerLayer(const std::string& path);

} // namespace pteron::vela_report
