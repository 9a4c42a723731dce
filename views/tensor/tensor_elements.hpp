// Decodes constant tensor bytes into doubles for display, statistics and .npy export.
#pragma once

#include "core/value.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pteron {

// True for element types the tensor viewer can decode.
bool canDecodeElements(DType type);

// Every element of a constant as double; nullopt when the dtype is not decodable or the bytes
// are fewer than the shape needs.
std::optional<std::vector<double>> decodeElements(const Value& value);

struct TensorStats {
    double min = 0;
    double max = 0;
    double mean = 0;
    std::size_t count = 0;
};

TensorStats tensorStats(const std::vector<double>& elements);

// Counts of elements per bin over [stats.min, stats.max].
std::vector<std::size_t> histogram(const std::vector<double>& elements, const TensorStats& stats,
                                   std::size_t bins);

} // namespace pteron
