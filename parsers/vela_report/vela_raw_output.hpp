// Vela's raw output (--output-format raw): the .npz of command stream, weights and the memory
// regions and shapes of the NPU's inputs, outputs and variables.
#pragma once

#include "core/byte_view.hpp"
#include "core/npy_array.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pteron::vela_report {

inline constexpr std::string_view kRawFormat = "vela-raw";

// One input, output or variable tensor as Vela placed it: base-pointer region and byte offset.
struct VelaRawTensor {
    std::vector<std::int64_t> shape; // empty when the file stores ragged shapes as objects
    std::optional<std::int64_t> elementSize;
    std::optional<std::int64_t> region;
    std::optional<std::int64_t> offset;
};

struct VelaRawOutput {
    std::string file;
    std::vector<std::pair<std::string, NpyArray>> arrays; // every array, by name without ".npy"
    ByteView commandStream;                               // cmd_data
    ByteView weightData;                                  // weight_data (read-only region contents)
    std::optional<std::int64_t> weightRegion;
    std::optional<std::int64_t> scratchSize; // scratch_size, else the product of scratch_shape
    std::optional<std::int64_t> scratchRegion;
    std::optional<std::int64_t> scratchFastSize; // scratch_fast_size or scratch_fast_shape
    std::optional<std::int64_t> scratchFastRegion;
    std::vector<VelaRawTensor> inputs;
    std::vector<VelaRawTensor> outputs;
    std::vector<VelaRawTensor> variables;

    const NpyArray* array(std::string_view name) const;
};

// Throws FormatError (formats "zip", "npy", "vela-raw").
VelaRawOutput readVelaRawOutput(const ByteView& bytes, const std::string& file);
VelaRawOutput readVelaRawOutput(const std::string& path);

} // namespace pteron::vela_report
