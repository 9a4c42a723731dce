#include "runtime/kernels/tflite/tflite_quantization.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::tflite {

QuantizedMultiplier quantizeMultiplier(double real) {
    if (real == 0.0 || !std::isfinite(real)) return {};
    int shift = 0;
    const double fraction = std::frexp(real, &shift);
    auto fixed = static_cast<std::int64_t>(std::round(fraction * static_cast<double>(1LL << 31)));
    if (fixed == (1LL << 31)) {
        fixed /= 2;
        ++shift;
    }
    if (shift < -31) return {};
    return {static_cast<std::int32_t>(fixed), shift};
}

namespace {

// Zero points beyond 16 bits belong to no integer model and would overflow the int32 sums.
TensorQuantization quantizationOf(const KernelContext& ctx, const Quantization& quantization) {
    TensorQuantization result;
    if (!quantization.scales.empty()) result.scale = static_cast<float>(quantization.scales[0]);
    if (quantization.zeroPoints.empty()) return result;
    const auto zeroPoint = quantization.zeroPoints[0];
    if (zeroPoint < -65536 || zeroPoint > 65536)
        ctx.fail("zero point " + std::to_string(zeroPoint) + " is out of range");
    result.zeroPoint = static_cast<std::int32_t>(zeroPoint);
    return result;
}

} // namespace

TensorQuantization inputQuantization(const KernelContext& ctx, std::size_t index) {
    const auto& declared = ctx.inputValue(index).quantization;
    return quantizationOf(ctx, declared.empty() ? ctx.input(index).quantization : declared);
}

TensorQuantization outputQuantization(const KernelContext& ctx, std::size_t index) {
    return quantizationOf(ctx, ctx.outputValue(index).quantization);
}

std::vector<float> inputScales(const KernelContext& ctx, std::size_t index) {
    const auto& declared = ctx.inputValue(index).quantization;
    const auto& scales = declared.empty() ? ctx.input(index).quantization.scales : declared.scales;
    std::vector<float> result(scales.begin(), scales.end());
    if (result.empty()) result.push_back(1.0f);
    return result;
}

std::string fusedActivation(const KernelContext& ctx) {
    return ctx.enumAttribute("fused_activation", "NONE");
}

IntegerRange quantizedActivationRange(const KernelContext& ctx, const TensorQuantization& output,
                                      std::int32_t typeMin, std::int32_t typeMax) {
    // zero_point + round(value / scale), held in the type's range (a NaN scale gives typeMin).
    const auto quantize = [&](float value) {
        const double q = static_cast<double>(output.zeroPoint) + std::round(value / output.scale);
        if (!(q >= typeMin)) return typeMin;
        return q > typeMax ? typeMax : static_cast<std::int32_t>(q);
    };
    const auto activation = fusedActivation(ctx);
    if (activation == "NONE") return {typeMin, typeMax};
    if (activation == "RELU") return {std::max(typeMin, quantize(0.0f)), typeMax};
    if (activation == "RELU6")
        return {std::max(typeMin, quantize(0.0f)), std::min(typeMax, quantize(6.0f))};
    if (activation == "RELU_N1_TO_1")
        return {std::max(typeMin, quantize(-1.0f)), std::min(typeMax, quantize(1.0f))};
    ctx.fail("fused activation " + activation + " is not supported on integer tensors");
}

FloatRange floatActivationRange(const KernelContext& ctx) {
    const auto activation = fusedActivation(ctx);
    constexpr float kMax = std::numeric_limits<float>::max();
    if (activation == "NONE") return {std::numeric_limits<float>::lowest(), kMax};
    if (activation == "RELU") return {0.0f, kMax};
    if (activation == "RELU6") return {0.0f, 6.0f};
    if (activation == "RELU_N1_TO_1") return {-1.0f, 1.0f};
    ctx.fail("fused activation " + activation + " is not supported");
}

std::int32_t calculateInputRadius(int integerBits, int leftShift, int totalSignedBits) {
    const double maxInputRescaled = 1.0 * ((1 << integerBits) - 1) *
                                    static_cast<double>(1LL << (totalSignedBits - integerBits)) /
                                    static_cast<double>(1LL << std::clamp(leftShift, 0, 62));
    return static_cast<std::int32_t>(std::floor(maxInputRescaled));
}

} // namespace pteron::runtime::tflite
