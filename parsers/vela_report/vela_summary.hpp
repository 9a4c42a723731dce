// Vela's network summary CSV (<name>_summary_<system_config>.csv): every column typed, key
// figures by name.
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

inline constexpr std::string_view kSummaryFormat = "vela-summary";

struct SummaryColumn {
    std::string name;
    CsvValue value;
};

struct VelaSummary {
    std::string file;
    // In file order. Vela's own columns are typed (numbers, text); unknown columns keep their text.
    std::vector<SummaryColumn> columns;

    const CsvValue* find(std::string_view column) const;
    // Text of a text column, or empty.
    std::string text(std::string_view column) const;
    std::optional<double> number(std::string_view column) const;
    // A number column rounded to an integer (Vela prints counts such as cycles as "752.0").
    std::optional<std::int64_t> count(std::string_view column) const;

    std::string network() const { return text("network"); }
    std::string acceleratorConfiguration() const { return text("accelerator_configuration"); }
    std::string systemConfig() const { return text("system_config"); }
    std::string memoryMode() const { return text("memory_mode"); }
    std::string weightsStorageArea() const { return text("weights_storage_area"); }
    std::string featureMapStorageArea() const { return text("feature_map_storage_area"); }
    std::optional<double> coreClockHz() const { return number("core_clock"); }
    // Bandwidths in GB/s as Vela writes them.
    std::optional<double> sramBandwidth() const { return number("sram_bandwidth"); }
    std::optional<double> dramBandwidth() const { return number("dram_bandwidth"); }
    std::optional<double> onChipFlashBandwidth() const { return number("on_chip_flash_bandwidth"); }
    std::optional<double> offChipFlashBandwidth() const {
        return number("off_chip_flash_bandwidth");
    }
    std::optional<std::int64_t> cyclesTotal() const { return count("cycles_total"); }
    std::optional<std::int64_t> cyclesNpu() const { return count("cycles_npu"); }
    std::optional<std::int64_t> cyclesSramAccess() const { return count("cycles_sram_access"); }
    std::optional<std::int64_t> cyclesDramAccess() const { return count("cycles_dram_access"); }
    std::optional<std::int64_t> cyclesOnChipFlashAccess() const {
        return count("cycles_on_chip_flash_access");
    }
    std::optional<std::int64_t> cyclesOffChipFlashAccess() const {
        return count("cycles_off_chip_flash_access");
    }
    std::optional<double> inferenceTimeSeconds() const { return number("inference_time"); }
    std::optional<double> inferencesPerSecond() const { return number("inferences_per_second"); }
    std::optional<std::int64_t> macs() const { return count("nn_macs"); }
    std::optional<double> tops() const { return number("nn_tops"); }
    std::optional<std::int64_t> batchSize() const { return count("batch_size"); }
    std::optional<std::int64_t> passesBeforeFusing() const { return count("passes_before_fusing"); }
    std::optional<std::int64_t> passesAfterFusing() const { return count("passes_after_fusing"); }
    // Memory used in KiB.
    std::optional<double> sramUsedKiB() const { return number("sram_memory_used"); }
    std::optional<double> dramUsedKiB() const { return number("dram_memory_used"); }
    std::optional<double> onChipFlashUsedKiB() const { return number("on_chip_flash_memory_used"); }
    std::optional<double> offChipFlashUsedKiB() const {
        return number("off_chip_flash_memory_used");
    }
    std::optional<std::int64_t> originalWeightsBytes() const {
        return count("total_original_weights");
    }
    std::optional<std::int64_t> encodedWeightsBytes() const {
        return count("total_npu_encoded_weights");
    }
    // Vela's summary writer has no operator-count or version columns; these read them when a
    // report carries them (columns npu_operators / cpu_operators / vela_version).
    std::optional<std::int64_t> npuOperators() const;
    std::optional<std::int64_t> cpuOperators() const;
    std::string compilerVersion() const;
};

// True when the header row names the columns every Vela summary has.
bool isSummaryHeader(const std::vector<std::string>& header);

// Parses one header row and one data row. Throws FormatError naming line and column.
VelaSummary parseVelaSummary(std::string_view text, const std::string& file);
VelaSummary readVelaSummary(std::span<const std::byte> bytes, const std::string& file);
VelaSummary readVelaSummary(const std::string& path);

} // namespace pteron::vela_report
