// TOSA CLAMP (integer and floating point with nan_mode; TOSA 1.0 min_val/max_val or 0.80
// min_int/max_int/min_fp/max_fp), SIGMOID, TANH and ERF.
#include "runtime/half_float.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_unary.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace pteron::runtime::tosa {

namespace {

// A TOSA 0.80 min_fp/max_fp attribute: the bytes of one fp32 (or fp16 for fp16 inputs).
double floatBound(const KernelContext& ctx, std::string_view name, DType inputType) {
    const auto* value = ctx.attribute(name);
    if (!value) ctx.fail("attribute " + std::string(name) + " is missing");
    if (const auto* blob = std::get_if<Blob>(value)) {
        if (blob->bytes.size() >= 4 && inputType != DType::Float16) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, blob->bytes.data(), 4);
            return std::bit_cast<float>(bits);
        }
        if (blob->bytes.size() >= 2) {
            const auto bits = static_cast<std::uint16_t>(blob->bytes[0] | (blob->bytes[1] << 8));
            return inputType == DType::BFloat16 ? bfloat16ToFloat(bits) : halfToFloat(bits);
        }
        ctx.fail("attribute " + std::string(name) + " holds too few bytes");
    }
    return ctx.doubleAttribute(name, 0);
}

struct ClampBounds {
    double low = 0;
    double high = 0;
};

ClampBounds clampBounds(const KernelContext& ctx, DType inputType) {
    if (ctx.attribute("min_val") || ctx.attribute("max_val")) {
        if (std::holds_alternative<Blob>(*ctx.attribute("min_val")))
            return {floatBound(ctx, "min_val", inputType), floatBound(ctx, "max_val", inputType)};
        return {ctx.doubleAttribute("min_val", 0), ctx.doubleAttribute("max_val", 0)};
    }
    if (isTosaFloat(inputType))
        return {floatBound(ctx, "min_fp", inputType), floatBound(ctx, "max_fp", inputType)};
    return {static_cast<double>(ctx.intAttribute("min_int")),
            static_cast<double>(ctx.intAttribute("max_int"))};
}

void clamp(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto bounds = clampBounds(ctx, input.dtype());
    if (std::isnan(bounds.low) || std::isnan(bounds.high) || bounds.low > bounds.high)
        ctx.fail("min_val must not exceed max_val");
    if (isTosaFloat(input.dtype())) {
        const bool ignoreNan = ctx.enumAttribute("nan_mode", "PROPAGATE") == "IGNORE";
        const auto low = static_cast<float>(bounds.low);
        const auto high = static_cast<float>(bounds.high);
        return floatUnary(ctx, [=](float value) {
            if (std::isnan(value)) return ignoreNan ? low : value;
            return std::min(std::max(value, low), high);
        });
    }
    withIntegerType(ctx, input.dtype(), [&]<typename T>() {
        const auto low = static_cast<T>(std::clamp<double>(
            bounds.low, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
        const auto high = static_cast<T>(std::clamp<double>(
            bounds.high, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
        integerUnary<T>(ctx, [=](T value) { return std::min(std::max(value, low), high); });
    });
}

void requireFloat(const KernelContext& ctx) {
    if (!isTosaFloat(ctx.input(0).dtype()))
        ctx.fail("takes floating point, given " + ctx.input(0).typeText());
}

} // namespace

void addActivationKernels(KernelRegistry& registry) {
    registry.add("tosa.CLAMP", clamp);
    registry.add("tosa.SIGMOID", [](KernelContext& ctx) {
        requireFloat(ctx);
        floatUnary(ctx, [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
    });
    registry.add("tosa.TANH", [](KernelContext& ctx) {
        requireFloat(ctx);
        floatUnary(ctx, [](float x) { return std::tanh(x); });
    });
    registry.add("tosa.ERF", [](KernelContext& ctx) {
        requireFloat(ctx);
        floatUnary(ctx, [](float x) { return std::erf(x); });
    });
}

} // namespace pteron::runtime::tosa
