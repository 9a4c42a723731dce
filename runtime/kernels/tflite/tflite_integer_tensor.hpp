// Quantised activations of every TFLite integer type (int8, uint8, int16) widened to int32 and
// narrowed back with saturation, so one kernel body serves all of them.
#pragma once

#include "runtime/kernel_context.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace pteron::runtime::tflite {

// True for int8, uint8 and int16.
bool isQuantizedActivation(DType type);
// The value range of int8, uint8, int16 or int32; fails for other types.
IntegerRange typeLimits(const KernelContext& ctx, DType type);
// Elements of an int8, uint8, int16 or int32 tensor as int32; fails for other types.
std::vector<std::int32_t> widened(const KernelContext& ctx, const Tensor& tensor);
// Elements of an int16, int32 or int64 tensor (biases) as int64; fails for other types.
std::vector<std::int64_t> widenedBias(const KernelContext& ctx, const Tensor& tensor);
// A tensor of `type` holding `values` clamped to the type's range.
Tensor narrowed(const KernelContext& ctx, DType type, Shape shape,
                std::span<const std::int32_t> values);

} // namespace pteron::runtime::tflite
