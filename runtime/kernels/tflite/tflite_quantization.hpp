// TFLite's preparation of integer kernels: quantized multipliers from float scales (frexp, as
// TFLM's QuantizeMultiplier), fused-activation ranges and the operands' quantisation parameters.
#pragma once

#include "runtime/kernel_context.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pteron::runtime::tflite {

struct QuantizedMultiplier {
    std::int32_t multiplier = 0;
    int shift = 0; // positive: left shift
};

// QuantizeMultiplier: frexp, round(q * 2^31) half away from zero, 2^31 carried into the shift,
// shifts below -31 flush to zero.
QuantizedMultiplier quantizeMultiplier(double real);

// Scale and zero point of a per-tensor quantised operand (scale 1, zero point 0 when absent).
struct TensorQuantization {
    float scale = 1.0f;
    std::int32_t zeroPoint = 0;
};
TensorQuantization inputQuantization(const KernelContext& ctx, std::size_t index);
TensorQuantization outputQuantization(const KernelContext& ctx, std::size_t index);
// Every scale of an operand (per-channel weights), as float like the flatbuffer stores them.
std::vector<float> inputScales(const KernelContext& ctx, std::size_t index);

// The node's fused_activation attribute ("NONE", "RELU", "RELU6", "RELU_N1_TO_1").
std::string fusedActivation(const KernelContext& ctx);

struct IntegerRange {
    std::int32_t min = 0;
    std::int32_t max = 0;
};
// CalculateActivationRangeQuantized for an output type with limits [typeMin, typeMax].
IntegerRange quantizedActivationRange(const KernelContext& ctx, const TensorQuantization& output,
                                      std::int32_t typeMin, std::int32_t typeMax);

struct FloatRange {
    float min = 0;
    float max = 0;
};
FloatRange floatActivationRange(const KernelContext& ctx);

// CalculateInputRadius: the largest input magnitude a fixed-point activation distinguishes.
std::int32_t calculateInputRadius(int integerBits, int leftShift, int totalSignedBits = 31);

} // namespace pteron::runtime::tflite
