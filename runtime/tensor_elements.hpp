// Reads and writes tensor elements of any numeric type as double or int64, for statistics,
// conversions, generated inputs and comparisons (kernels use typed spans instead).
#pragma once

#include "runtime/tensor.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace pteron::runtime {

bool isIntegerType(DType type);
// True when the runtime can read elements of `type` as numbers.
bool isNumericType(DType type);

double elementAsDouble(const Tensor& tensor, std::uint64_t index);
std::int64_t elementAsInt(const Tensor& tensor, std::uint64_t index);
// Stores `value` converted to the tensor's type (floats rounded, integers truncated as C++ does
// for in-range values; callers saturate first when they need saturation).
void setElement(Tensor& tensor, std::uint64_t index, double value);

std::vector<double> toDoubles(const Tensor& tensor);
// The elements of an fp32, fp16 or bf16 tensor as floats; nullopt for other types.
std::optional<std::vector<float>> floatElements(const Tensor& tensor);

struct TensorStatistics {
    double min = 0;
    double max = 0;
    double mean = 0;
    std::uint64_t count = 0;
    std::uint64_t nonFinite = 0; // NaN and infinities, left out of min/max/mean
};
TensorStatistics statisticsOf(const Tensor& tensor);

} // namespace pteron::runtime
