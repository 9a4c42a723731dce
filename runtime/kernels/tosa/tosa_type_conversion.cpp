// TOSA RESCALE (scale32/scale16, SINGLE/DOUBLE/INEXACT_ROUND, per channel, unsigned input or
// output, TOSA 1.0 operands or 0.80 attributes) and CAST (integer truncation, saturating
// round-to-nearest-even from floating point, fp16/bf16 rounding).
#include "runtime/half_float.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"
#include "runtime/kernels/tosa/tosa_scaling.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::tosa {

namespace {

enum class Rounding { Single, Double, Inexact };

struct RescaleParameters {
    bool scale32 = true;
    Rounding rounding = Rounding::Single;
    bool perChannel = false;
    bool inputUnsigned = false;
    std::vector<std::int32_t> multiplier;
    std::vector<std::int32_t> shift;
    std::int64_t inputZp = 0;
    std::int64_t outputZp = 0;
    std::int64_t low = 0; // output range, signed or unsigned per output_unsigned
    std::int64_t high = 0;
};

unsigned storageBits(DType type) {
    return type == DType::Int48 ? 48 : dtypeBits(type);
}

Rounding roundingOf(const KernelContext& ctx) {
    if (ctx.attribute("rounding_mode")) {
        const auto mode = ctx.enumAttribute("rounding_mode");
        if (mode == "SINGLE_ROUND") return Rounding::Single;
        if (mode == "DOUBLE_ROUND") return Rounding::Double;
        if (mode == "INEXACT_ROUND") return Rounding::Inexact;
        ctx.fail("unsupported rounding_mode " + mode);
    }
    return ctx.boolAttribute("double_round", false) ? Rounding::Double : Rounding::Single;
}

RescaleParameters rescaleParameters(const KernelContext& ctx, const Tensor& input, DType outType,
                                    std::int64_t channels) {
    RescaleParameters p;
    p.scale32 = ctx.boolAttribute("scale32", true);
    p.rounding = roundingOf(ctx);
    p.perChannel = ctx.boolAttribute("per_channel", false);
    const auto inType = input.dtype();
    p.inputUnsigned = ctx.boolAttribute("input_unsigned", false) || inType == DType::UInt8 ||
                      inType == DType::UInt16;
    const bool outputUnsigned = ctx.boolAttribute("output_unsigned", false) ||
                                outType == DType::UInt8 || outType == DType::UInt16;
    if (p.inputUnsigned && outputUnsigned)
        ctx.fail("input_unsigned and output_unsigned cannot both be set");
    if (p.rounding == Rounding::Double && !p.scale32) ctx.fail("DOUBLE_ROUND needs scale32");
    if (p.scale32 && inType == DType::Int48) ctx.fail("scale32 cannot scale int48 input");
    const auto inBits = storageBits(inType);
    const auto outBits = storageBits(outType);
    if ((p.inputUnsigned && inBits > 16) || (outputUnsigned && outBits > 16))
        ctx.fail("only 8- and 16-bit values can be unsigned");
    p.inputZp = zeroPoint(ctx, 3, "input_zp");
    p.outputZp = zeroPoint(ctx, 4, "output_zp");
    // A zero point stored in a signed tensor reads as unsigned when its side is unsigned.
    if (p.inputUnsigned) p.inputZp &= (std::int64_t{1} << inBits) - 1;
    if (outputUnsigned) p.outputZp &= (std::int64_t{1} << outBits) - 1;
    if (p.inputZp != 0 && inBits != 8 && !(p.inputUnsigned && inBits == 16 && p.inputZp == 32768))
        ctx.fail("input zero point must be 0 for " + std::string(dtypeName(inType)));
    if (p.outputZp != 0 && outBits != 8 &&
        !(outputUnsigned && outBits == 16 && p.outputZp == 32768))
        ctx.fail("output zero point must be 0 for " + std::string(dtypeName(outType)));
    if (outputUnsigned) {
        p.low = 0;
        p.high = (std::int64_t{1} << outBits) - 1;
    } else {
        p.low = -(std::int64_t{1} << (outBits - 1));
        p.high = (std::int64_t{1} << (outBits - 1)) - 1;
    }
    const auto multipliers = integerListOperand(ctx, 1, "multiplier");
    const auto shifts = integerListOperand(ctx, 2, "shift");
    const auto expected = p.perChannel ? channels : 1;
    if (static_cast<std::int64_t>(multipliers.size()) != expected ||
        static_cast<std::int64_t>(shifts.size()) != expected)
        ctx.fail("needs " + std::to_string(expected) + " multipliers and shifts, has " +
                 std::to_string(multipliers.size()) + " and " + std::to_string(shifts.size()));
    for (std::size_t i = 0; i < multipliers.size(); ++i) {
        const auto limit = p.scale32 ? std::numeric_limits<std::int32_t>::max()
                                     : std::numeric_limits<std::int16_t>::max();
        if (multipliers[i] < 0 || multipliers[i] > limit)
            ctx.fail("multiplier " + std::to_string(multipliers[i]) + " is out of range");
        if (shifts[i] < 2 || shifts[i] > 62)
            ctx.fail("shift " + std::to_string(shifts[i]) + " is outside [2, 62]");
        p.multiplier.push_back(static_cast<std::int32_t>(multipliers[i]));
        p.shift.push_back(static_cast<std::int32_t>(shifts[i]));
    }
    return p;
}

// The input value as the specification extends it: zero-extended when unsigned.
template <typename In> inline std::int64_t extended(In value, bool isUnsigned) {
    if constexpr (sizeof(In) < 8) {
        using Unsigned = std::make_unsigned_t<In>;
        if (isUnsigned) return static_cast<std::int64_t>(static_cast<Unsigned>(value));
    }
    return static_cast<std::int64_t>(value);
}

inline std::int64_t scaleOne(std::int64_t value, std::int32_t multiplier, std::int32_t shift,
                             const RescaleParameters& p) {
    if (p.rounding == Rounding::Inexact) {
        const float result = static_cast<float>(value) * static_cast<float>(multiplier) *
                             std::exp2(static_cast<float>(-shift));
        const double rounded = std::nearbyint(static_cast<double>(result));
        return static_cast<std::int64_t>(std::clamp(rounded, -9.0e18, 9.0e18));
    }
    if (p.scale32)
        return applyScale32(static_cast<std::int32_t>(clampToRange(value, INT32_MIN, INT32_MAX)),
                            multiplier, shift, p.rounding == Rounding::Double);
    return applyScale16(clampToRange(value, kInt48Min, kInt48Max),
                        static_cast<std::int16_t>(multiplier), shift);
}

template <typename In, typename Out>
void rescaleElements(const KernelContext& ctx, const In* input, Out* output, std::int64_t count,
                     std::int64_t channels, const RescaleParameters& p) {
    const bool perChannel = p.perChannel;
    const auto rows = perChannel ? count / channels : count;
    const auto width = perChannel ? channels : 1;
    ctx.pool().parallelFor(rows, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const In* in = input + row * width;
            Out* out = output + row * width;
            for (std::int64_t c = 0; c < width; ++c) {
                const auto channel = perChannel ? static_cast<std::size_t>(c) : 0;
                const auto value = extended(in[c], p.inputUnsigned) - p.inputZp;
                const auto scaled = scaleOne(value, p.multiplier[channel], p.shift[channel], p);
                out[c] = static_cast<Out>(clampToRange(scaled + p.outputZp, p.low, p.high));
            }
        }
    });
}

void rescale(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto outType = outputType(ctx, 0, input.dtype());
    const auto channels = input.rank() == 0 ? 1 : input.dim(input.rank() - 1);
    checkOutputShape(ctx, 0, input.shape());
    const auto p = rescaleParameters(ctx, input, outType, channels);
    Tensor output(outType, input.shape());
    const auto count = static_cast<std::int64_t>(input.elementCount());
    if (count > 0 && channels == 0) ctx.fail("internal: no channels");
    withIntegerType(ctx, input.dtype(), [&]<typename In>() {
        withIntegerType(ctx, outType, [&]<typename Out>() {
            rescaleElements(ctx, input.elements<In>().data(), output.mutableElements<Out>().data(),
                            count, channels, p);
        });
    });
    ctx.setOutput(0, std::move(output));
}

// Stores an integer as the output type: truncated to its width (int48 sign-extended from bit
// 47), bool as value != 0.
template <typename Out> Out narrowInteger(std::int64_t value, DType outType) {
    if (outType == DType::Bool) return static_cast<Out>(value != 0 ? 1 : 0);
    if (outType == DType::Int48)
        return static_cast<Out>(
            static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << 16) >> 16);
    return static_cast<Out>(value);
}

// Saturating round-to-nearest-even of a float to an integer range; NaN becomes 0.
std::int64_t floatToInteger(float value, float high, float low, std::int64_t max,
                            std::int64_t min) {
    if (std::isnan(value)) return 0;
    if (value >= high) return max;
    if (value <= low) return min;
    return static_cast<std::int64_t>(std::nearbyint(value));
}

void castFromFloat(KernelContext& ctx, const Tensor& input, DType outType, Tensor& output) {
    const auto values = floatsOf(ctx, input);
    if (isTosaFloat(outType)) {
        output = floatTensor(ctx, outType, input.shape(), values);
        return;
    }
    if (outType == DType::Bool) ctx.fail("cannot cast floating point to bool");
    withIntegerType(ctx, outType, [&]<typename Out>() {
        const auto bits = storageBits(outType);
        const std::int64_t max = (std::int64_t{1} << (bits - 1)) - 1;
        const std::int64_t min = -(std::int64_t{1} << (bits - 1));
        float high = static_cast<float>(max);
        float low = static_cast<float>(min);
        // The reference compares fp16 inputs against the bounds rounded to fp16.
        if (input.dtype() == DType::Float16) {
            high = roundToHalf(high);
            low = roundToHalf(low);
        }
        auto out = output.mutableElements<Out>();
        for (std::size_t i = 0; i < values.size(); ++i)
            out[i] = static_cast<Out>(floatToInteger(values[i], high, low, max, min));
    });
}

void cast(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto outType = outputType(ctx, 0, input.dtype());
    checkOutputShape(ctx, 0, input.shape());
    Tensor output(outType, input.shape());
    if (isTosaFloat(input.dtype())) {
        castFromFloat(ctx, input, outType, output);
        ctx.setOutput(0, std::move(output));
        return;
    }
    const auto values = integersOf(ctx, input);
    if (isTosaFloat(outType)) {
        std::vector<float> converted(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            converted[i] = input.dtype() == DType::Bool ? (values[i] != 0 ? 1.0f : 0.0f)
                                                        : static_cast<float>(values[i]);
        ctx.setOutput(0, floatTensor(ctx, outType, input.shape(), converted));
        return;
    }
    withIntegerType(ctx, outType, [&]<typename Out>() {
        auto out = output.mutableElements<Out>();
        for (std::size_t i = 0; i < values.size(); ++i)
            out[i] = narrowInteger<Out>(
                input.dtype() == DType::Bool ? (values[i] != 0 ? 1 : 0) : values[i], outType);
    });
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addTypeConversionKernels(KernelRegistry& registry) {
    registry.add("tosa.RESCALE", rescale);
    registry.add("tosa.CAST", cast);
}

} // namespace pteron::runtime::tosa
