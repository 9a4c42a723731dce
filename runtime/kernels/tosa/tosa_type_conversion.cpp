// TOSA RESCALE (scale32/scale16, SINGLE/DOUBLE/INEXACT_ROUND, per channel, unsigned input or
// output, TOSA 1.0 operands or 0.80 attributes) and CAST (integer truncation, saturating
// round-to-nearest-even from floating point, fp16/bf16 rounding).
#include "runtime/half_float.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_integer_loops.hpp"
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
    if (p.scale32 && (inType == DType::Int48 || inType == DType::Int64))
        ctx.fail("scale32 cannot scale int48 input");
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

// Per-channel constants of apply_scale_32/16, expanded to every channel so one loop serves
// per-tensor and per-channel scaling.
struct ChannelScales {
    std::vector<std::int64_t> multiplier;
    std::vector<std::int64_t> round;
    std::vector<std::int64_t> doubleRound; // added for value >= 0, subtracted below 0
    std::vector<std::int32_t> shift;
};

ChannelScales channelScales(const RescaleParameters& p, std::int64_t channels) {
    ChannelScales scales;
    for (std::int64_t c = 0; c < channels; ++c) {
        const auto at = p.perChannel ? static_cast<std::size_t>(c) : 0;
        const auto shift = p.shift[at];
        scales.multiplier.push_back(p.scale32 ? p.multiplier[at]
                                              : static_cast<std::int16_t>(p.multiplier[at]));
        scales.round.push_back(std::int64_t{1} << (shift - 1));
        scales.doubleRound.push_back(
            p.rounding == Rounding::Double && shift > 31 ? std::int64_t{1} << 30 : 0);
        scales.shift.push_back(shift);
    }
    return scales;
}

// The exact modes: apply_scale_32 (8/16-bit values, or int32 ones whose zero point is 0, all fit
// int32) or apply_scale_16 (value within int48), then the output zero point and the output range.
// All parameters arrive by value so no store through the output can alias them, and the double
// rounding adjustment is applied without a branch on the sign.
template <typename In, typename Out, bool Scale32, bool DoubleRound>
void rescaleRows(const In* input, Out* output, std::int64_t begin, std::int64_t end,
                 std::int64_t width, const std::int64_t* multiplier, const std::int64_t* round,
                 const std::int64_t* doubleRound, const std::int32_t* shift, bool inputUnsigned,
                 std::int64_t inputZp, std::int64_t outputZp, std::int64_t low, std::int64_t high) {
    for (std::int64_t row = begin; row < end; ++row) {
        const In* in = input + row * width;
        Out* out = output + row * width;
        for (std::int64_t c = 0; c < width; ++c) {
            auto value = extended(in[c], inputUnsigned) - inputZp;
            if constexpr (!Scale32) value = clampToRange(value, kInt48Min, kInt48Max);
            auto bias = round[c];
            if constexpr (DoubleRound) {
                const std::int64_t negative = value >> 63; // 0 or -1
                bias += (doubleRound[c] ^ negative) - negative;
            }
            const auto scaled = (value * multiplier[c] + bias) >> shift[c];
            out[c] = static_cast<Out>(clampToRange(scaled + outputZp, low, high));
        }
    }
}

// INEXACT_ROUND as the reference model computes it outside its precise mode: fp32 arithmetic
// rounded to nearest even.
template <typename In, typename Out>
void rescaleInexact(const In* input, Out* output, std::int64_t count, std::int64_t width,
                    const RescaleParameters& p, const ChannelScales& scales) {
    for (std::int64_t i = 0; i < count; ++i) {
        const auto c = static_cast<std::size_t>(i % width);
        const auto value = extended(input[i], p.inputUnsigned) - p.inputZp;
        const float result = static_cast<float>(value) * static_cast<float>(scales.multiplier[c]) *
                             std::exp2(static_cast<float>(-scales.shift[c]));
        const double rounded =
            std::clamp(std::nearbyint(static_cast<double>(result)), -9.0e18, 9.0e18);
        output[i] = static_cast<Out>(
            clampToRange(static_cast<std::int64_t>(rounded) + p.outputZp, p.low, p.high));
    }
}

void rescaleInt32ToInt8(const KernelContext& ctx, const std::int32_t* input, std::int8_t* output,
                        std::int64_t rows, std::int64_t channels, const RescaleParameters& p,
                        const ChannelScales& scales) {
    std::vector<std::int32_t> multiplier(scales.multiplier.begin(), scales.multiplier.end());
    std::vector<std::uint64_t> shift(scales.shift.begin(), scales.shift.end());
    std::vector<std::int64_t> offset;
    for (const auto s : scales.shift)
        offset.push_back(std::int64_t{1} << (62 - s));
    ctx.pool().parallelFor(rows, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row)
            rescaleInt32ToInt8Row(input + row * channels, output + row * channels, channels,
                                  multiplier.data(), scales.round.data(), shift.data(),
                                  offset.data(), p.outputZp, p.low, p.high);
    });
}

template <typename In, typename Out>
void rescaleElements(const KernelContext& ctx, const In* input, Out* output, std::int64_t count,
                     std::int64_t channels, const RescaleParameters& p) {
    const auto scales = channelScales(p, channels);
    if (p.rounding == Rounding::Inexact)
        return rescaleInexact(input, output, count, channels, p, scales);
    const auto rows = count / channels;
    if constexpr (std::is_same_v<In, std::int32_t> && std::is_same_v<Out, std::int8_t>) {
        // The common requantisation after an int8 convolution has its own vectorised row.
        if (p.scale32 && p.rounding == Rounding::Single && p.inputZp == 0 && !p.inputUnsigned)
            return rescaleInt32ToInt8(ctx, input, output, rows, channels, p, scales);
    }
    ctx.pool().parallelFor(rows, [&](std::int64_t begin, std::int64_t end) {
        const auto rowsOf = !p.scale32                       ? rescaleRows<In, Out, false, false>
                            : p.rounding == Rounding::Double ? rescaleRows<In, Out, true, true>
                                                             : rescaleRows<In, Out, true, false>;
        rowsOf(input, output, begin, end, channels, scales.multiplier.data(), scales.round.data(),
               scales.doubleRound.data(), scales.shift.data(), p.inputUnsigned, p.inputZp,
               p.outputZp, p.low, p.high);
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
        if (bits > 48) ctx.fail("cannot cast to " + std::string(dtypeName(outType)));
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
    if (isTosaFloat8(input.dtype()) || isTosaFloat8(outType)) {
        // fp8 converts to and from fp32, fp16 and bf16 only.
        if (!(isTosaFloat8(input.dtype()) ? isTosaFloat(outType) : isTosaFloat(input.dtype())))
            ctx.fail("cannot cast " + input.typeText() + " to " + std::string(dtypeName(outType)));
        ctx.setOutput(0, floatTensor(ctx, outType, input.shape(), floatsOf(ctx, input)));
        return;
    }
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
