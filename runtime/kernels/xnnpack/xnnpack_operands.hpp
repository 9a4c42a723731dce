// How XNNPACK kernels read and write their operands: floats of fp32/fp16/bf16 tensors, the
// quantisation of a value (per tensor, per channel, per channel group, dynamic per row), the
// node's output clamp, and XNNPACK's fp32 requantisation (scale, clamp, round half to even).
#pragma once

#include "runtime/kernel_context.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace pteron::runtime::xnnpack {

bool isFloatType(DType type); // fp32, fp16, bf16

// Elements of a float tensor widened to fp32.
std::vector<float> floatsOf(const KernelContext& ctx, const Tensor& tensor);
// A tensor of `dtype` (fp32, fp16 or bf16) holding `values` rounded to it.
Tensor floatTensor(DType dtype, Shape shape, const std::vector<float>& values);

enum class QuantKind { None, PerTensor, PerChannel, PerChannelGroup, Dynamic };

struct OperandQuantization {
    QuantKind kind = QuantKind::None;
    std::vector<float> scales;            // one, one per channel, or channels x groups
    std::vector<std::int32_t> zeroPoints; // one per scale (per row for dynamic)
    std::int64_t axis = 0;
    std::int64_t groupSize = 0;
};

// The quantisation a runtime tensor carries (dynamic rows are set by Convert), falling back
// to what the file declares for input `index`.
OperandQuantization inputQuantization(const KernelContext& ctx, std::size_t index);
OperandQuantization outputQuantization(const KernelContext& ctx, std::size_t index);
// The declared datatype name of a value ("qint8", "qcint4", "qdint8", ...), empty if absent.
std::string datatypeOf(const Value& value);

// The node's output_min/output_max, infinite when absent.
struct FloatClamp {
    float min;
    float max;
};
FloatClamp outputClamp(const KernelContext& ctx);

// Integer output range of a quantised output: the type's range narrowed by the node's clamp,
// each bound quantised with round half to even.
struct IntegerClamp {
    std::int32_t min;
    std::int32_t max;
};
IntegerClamp quantizedClamp(const KernelContext& ctx, float scale, std::int32_t zeroPoint,
                            DType outputType);

// `value` clamped to [low, high] and rounded half to even; NaN becomes `low`.
inline std::int32_t roundedInRange(float value, std::int32_t low, std::int32_t high) {
    if (!(value >= static_cast<float>(low))) return low;
    if (!(value <= static_cast<float>(high))) return high;
    return static_cast<std::int32_t>(std::nearbyint(value));
}

// XNNPACK fp32 requantisation: acc * scale in fp32, clamped to [min - zp, max - zp], rounded
// half to even, plus zp.
inline std::int32_t requantize(std::int32_t acc, float scale, std::int32_t zeroPoint,
                               const IntegerClamp& clamp) {
    return roundedInRange(static_cast<float>(acc) * scale, clamp.min - zeroPoint,
                          clamp.max - zeroPoint) +
           zeroPoint;
}

// Integer elements of an int8/uint8/int32 (or unpacked int4/uint4) tensor.
std::vector<std::int32_t> integersOf(const KernelContext& ctx, const Tensor& tensor);

// Type limits of an integer output type.
IntegerClamp typeRange(DType type);

} // namespace pteron::runtime::xnnpack
