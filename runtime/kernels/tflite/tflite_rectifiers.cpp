// LEAKY_RELU and HARD_SWISH: fp32, and int8/uint8 (int16 for LEAKY_RELU) with TFLite's reference
// arithmetic: two rescales for LEAKY_RELU, 16-bit fixed point for HARD_SWISH.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"

#include <cmath>

namespace pteron::runtime::tflite {

namespace {

template <typename Compute> void mapFloat(KernelContext& ctx, Compute&& compute) {
    const auto in = ctx.input(0).elements<float>();
    Tensor out(DType::Float32, ctx.input(0).shape());
    auto result = out.mutableElements<float>();
    for (std::size_t i = 0; i < in.size(); ++i)
        result[i] = compute(in[i]);
    ctx.setOutput(0, std::move(out));
}

template <typename Compute> void mapInteger(KernelContext& ctx, Compute&& compute) {
    const auto type = ctx.input(0).dtype();
    if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the input");
    auto values = widened(ctx, ctx.input(0));
    for (auto& value : values)
        value = compute(value);
    ctx.setOutput(0, narrowed(ctx, type, ctx.input(0).shape(), values));
}

// QuantizeLeakyRelu: non-negative inputs take the identity rescale input/output scale, negative
// ones alpha x that; both with the double-rounding multiplier, then the output zero point.
void leakyRelu(KernelContext& ctx) {
    const auto type = ctx.input(0).dtype();
    const auto alpha = static_cast<float>(ctx.doubleAttribute("alpha", 0.2));
    if (type == DType::Float32)
        return mapFloat(ctx, [&](float x) { return x > 0 ? x : x * alpha; });
    if (!isQuantizedActivation(type))
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported");
    const auto in = inputQuantization(ctx, 0);
    const auto out = outputQuantization(ctx, 0);
    if (!(out.scale > 0)) ctx.fail("the output scale must be positive");
    if (type == DType::Int16 && (in.zeroPoint != 0 || out.zeroPoint != 0))
        ctx.fail("int16 activations need zero points 0");
    const auto identity = quantizeMultiplier(static_cast<double>(in.scale) / out.scale);
    const auto scaledAlpha = quantizeMultiplier(static_cast<double>(alpha) * in.scale / out.scale);
    const auto limits = typeLimits(ctx, type);
    mapInteger(ctx, [&](std::int32_t x) {
        const std::int32_t centred = x - in.zeroPoint;
        const auto& m = centred >= 0 ? identity : scaledAlpha;
        const std::int64_t value = std::int64_t{out.zeroPoint} +
                                   multiplyByQuantizedMultiplier(centred, m.multiplier, m.shift);
        return static_cast<std::int32_t>(std::clamp<std::int64_t>(value, limits.min, limits.max));
    });
}

// gemmlowp's 16-bit SaturatingRoundingDoublingHighMul.
std::int16_t roundingHighMul16(std::int16_t a, std::int16_t b) {
    if (a == b && a == std::numeric_limits<std::int16_t>::min())
        return std::numeric_limits<std::int16_t>::max();
    const std::int32_t product = std::int32_t{a} * b;
    const std::int32_t nudge = product >= 0 ? (1 << 14) : (1 - (1 << 14));
    return static_cast<std::int16_t>((product + nudge) / (1 << 15));
}

// The truncating variant (SQDMULH): rounds toward zero.
std::int16_t truncatingHighMul16(std::int16_t a, std::int16_t b) {
    if (a == b && a == std::numeric_limits<std::int16_t>::min())
        return std::numeric_limits<std::int16_t>::max();
    return static_cast<std::int16_t>((std::int32_t{a} * b) / (1 << 15));
}

std::int16_t saturatingShiftLeft16(std::int16_t value, int amount) {
    const std::int64_t shifted = std::int64_t{value} * (std::int64_t{1} << amount);
    return static_cast<std::int16_t>(std::clamp<std::int64_t>(shifted, -32768, 32767));
}

std::int16_t roundingDivideByPOT16(std::int16_t x, int exponent) {
    return static_cast<std::int16_t>(roundingDivideByPOT(x, exponent));
}

// A multiplier as QuantizeMultiplier gives it, brought to 16 bits (rounded, saturating).
struct Multiplier16 {
    std::int16_t fixedPoint = 0;
    int exponent = 0;
};

Multiplier16 multiplier16(double real) {
    const auto m = quantizeMultiplier(real);
    constexpr std::int32_t kRounding = 1 << 15;
    Multiplier16 result;
    result.exponent = m.shift;
    result.fixedPoint = m.multiplier >= std::numeric_limits<std::int32_t>::max() - kRounding
                            ? std::numeric_limits<std::int16_t>::max()
                            : static_cast<std::int16_t>((m.multiplier + kRounding) >> 16);
    return result;
}

// x * relu6(x + 3) / 6 on 8-bit values: the input at 7 more bits of resolution, a "relu-ish"
// factor in [0, 1] from the input rescaled so 3.0 is 32768, and their truncating product.
void hardSwish(KernelContext& ctx) {
    const auto type = ctx.input(0).dtype();
    if (type == DType::Float32)
        return mapFloat(ctx, [](float x) { return x * std::min(6.0f, std::max(0.0f, x + 3)) / 6; });
    if (type != DType::Int8 && type != DType::UInt8)
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported (int8, uint8, fp32)");
    const auto in = inputQuantization(ctx, 0);
    const auto out = outputQuantization(ctx, 0);
    if (!(out.scale > 0) || !(in.scale > 0)) ctx.fail("scales must be positive");
    const float hiresInputScale = (1.0f / 128.0f) * in.scale;
    const float reluishScale = 3.0f / 32768.0f;
    const auto output = multiplier16(static_cast<double>(hiresInputScale / out.scale));
    if (output.exponent > 0) ctx.fail("the output scale is too small for the integer HARD_SWISH");
    const auto reluish = multiplier16(static_cast<double>(hiresInputScale / reluishScale));
    const auto limits = typeLimits(ctx, type);
    mapInteger(ctx, [&](std::int32_t x) {
        const auto centred = static_cast<std::int16_t>(x - in.zeroPoint);
        const auto hires = static_cast<std::int16_t>(centred * (1 << 7));
        const std::int16_t preshiftOutput = roundingHighMul16(hires, output.fixedPoint);
        std::int16_t value = hires;
        // Left shifts saturate one bit early so only the last one can clip the result.
        if (reluish.exponent > 0) value = saturatingShiftLeft16(value, reluish.exponent - 1);
        value = roundingHighMul16(value, reluish.fixedPoint);
        if (reluish.exponent > 0) value = saturatingShiftLeft16(value, 1);
        if (reluish.exponent < 0) value = roundingDivideByPOT16(value, -reluish.exponent);
        // [-1, 1] to [0, 1].
        value = static_cast<std::int16_t>((value + (1 << 15)) >> 1);
        const std::int16_t product = truncatingHighMul16(value, preshiftOutput);
        const std::int32_t result = roundingDivideByPOT(product, -output.exponent) + out.zeroPoint;
        return std::clamp(result, limits.min, limits.max);
    });
}

} // namespace

void addRectifierKernels(KernelRegistry& registry) {
    registry.add("tflite.LEAKY_RELU", leakyRelu);
    registry.add("tflite.HARD_SWISH", hardSwish);
}

} // namespace pteron::runtime::tflite
