// RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH and SOFTMAX: fp32, and int8/uint8 with TFLM's
// reference arithmetic (rescaling RELU, gemmlowp fixed-point logistic/tanh/softmax), int16 with
// its table-based logistic, tanh and softmax.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"
#include "runtime/kernels/tflite/tflite_lookup_tables.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"

#include <bit>
#include <cmath>

namespace pteron::runtime::tflite {

namespace {

template <typename In, typename Out, typename Compute>
void mapElements(KernelContext& ctx, DType outType, Compute&& compute) {
    const auto& input = ctx.input(0);
    Tensor out(outType, input.shape());
    const auto in = input.elements<In>();
    auto result = out.mutableElements<Out>();
    for (std::size_t i = 0; i < in.size(); ++i)
        result[i] = compute(in[i]);
    ctx.setOutput(0, std::move(out));
}

void requireType(const KernelContext& ctx, std::initializer_list<DType> types) {
    for (const auto type : types)
        if (ctx.input(0).dtype() == type) return;
    ctx.fail("input type " + ctx.input(0).typeText() + " is not supported");
}

// Integer elements mapped one by one into the output type.
template <typename Compute>
void mapQuantized(KernelContext& ctx, DType outType, Compute&& compute) {
    auto values = widened(ctx, ctx.input(0));
    for (auto& value : values)
        value = compute(value);
    ctx.setOutput(0, narrowed(ctx, outType, ctx.input(0).shape(), values));
}

// RELU and RELU_N1_TO_1 on integers rescale input to output (ReluQuantized); RELU6 clamps
// between the input's quantised 0 and 6 without rescaling (Relu6Quantized).
void relu(KernelContext& ctx, float low, float high) {
    requireType(ctx, {DType::Float32, DType::Int8, DType::UInt8, DType::Int16});
    const auto type = ctx.input(0).dtype();
    if (type == DType::Float32)
        return mapElements<float, float>(ctx, DType::Float32,
                                         [&](float x) { return std::clamp(x, low, high); });
    if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the input");
    const auto limits = typeLimits(ctx, type);
    const auto in = inputQuantization(ctx, 0);
    const auto out = outputQuantization(ctx, 0);
    if (out.scale <= 0) ctx.fail("the output scale must be positive");
    const auto quantize = [&](float value, const TensorQuantization& q) {
        const double r = std::round(static_cast<double>(value / q.scale));
        return static_cast<std::int32_t>(
            std::clamp<double>(q.zeroPoint + r, limits.min, limits.max));
    };
    if (high == 6.0f && low == 0.0f) {
        const auto lower = std::clamp(in.zeroPoint, limits.min, limits.max);
        const auto upper = quantize(6.0f, in);
        return mapQuantized(ctx, type, [&](std::int32_t x) {
            return std::clamp(x, lower, std::max(lower, upper));
        });
    }
    const auto m = quantizeMultiplier(static_cast<double>(in.scale / out.scale));
    const std::int32_t minimum = std::max(limits.min, quantize(low, out));
    const std::int32_t maximum =
        std::isinf(high) ? limits.max : std::min(limits.max, quantize(high, out));
    mapQuantized(ctx, type, [&](std::int32_t x) {
        const std::int64_t v =
            std::int64_t{out.zeroPoint} +
            multiplyByQuantizedMultiplier(wrapToInt32(std::int64_t{x} - in.zeroPoint), m.multiplier,
                                          m.shift);
        return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, minimum, maximum));
    });
}

// Input multiplier of int8 LOGISTIC/TANH: scale * 2^(31-4) split by frexp, not rounded into
// the shift (the kernels' own preparation).
struct FixedPointInput {
    std::int32_t zeroPoint = 0;
    std::int32_t multiplier = 0;
    int leftShift = 0;
    std::int32_t radius = 0;
};

FixedPointInput fixedPointInput(const KernelContext& ctx) {
    constexpr int kInputIntegerBits = 4;
    const auto in = inputQuantization(ctx, 0);
    FixedPointInput p;
    p.zeroPoint = in.zeroPoint;
    const double real =
        static_cast<double>(in.scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
    const double fraction = std::frexp(real, &p.leftShift);
    p.multiplier = static_cast<std::int32_t>(std::round(fraction * static_cast<double>(1LL << 31)));
    if (p.leftShift > 31 || p.leftShift < -31) ctx.fail("the input scale is out of range");
    p.radius = calculateInputRadius(kInputIntegerBits, p.leftShift, 31);
    return p;
}

// int16 LOGISTIC/TANH input rescale: to 1/(3 * 4096) per unit for the table (multiplier below
// 2^15 and a right shift), or, for the power-of-two scales the kernels are built for, 3 << shift.
struct Int16TableInput {
    std::int32_t multiplier = 0;
    int rightShift = 0;
};

// CheckedLog2: the rounded base-2 logarithm and whether the scale is a power of two.
std::pair<int, bool> checkedLog2(float scale) {
    const float log2 = std::log(scale) * (1.0f / std::log(2.0f));
    const float rounded = std::round(log2);
    return {static_cast<int>(rounded), std::abs(log2 - rounded) < 1e-3f};
}

Int16TableInput int16TableInput(const KernelContext& ctx, bool tanh) {
    constexpr int kInputIntegerBits = 3;
    const auto in = inputQuantization(ctx, 0);
    const auto out = outputQuantization(ctx, 0);
    if (in.zeroPoint != 0 || out.zeroPoint != 0) ctx.fail("int16 activations need zero points 0");
    if (!(in.scale > 0)) ctx.fail("the input scale must be positive");
    const auto [outLog2, outPowerOfTwo] = checkedLog2(out.scale);
    if (!outPowerOfTwo || outLog2 != -15) ctx.fail("the int16 output scale must be 2^-15");
    const auto [inLog2, inPowerOfTwo] = checkedLog2(in.scale);
    Int16TableInput p;
    const int shift = (15 - kInputIntegerBits) + inLog2;
    if (inPowerOfTwo && (shift == 0 || (tanh && shift == 1))) {
        p.multiplier = 3 << shift;
        return p;
    }
    double multiplier = static_cast<double>(in.scale) * 4096.0 * 3.0;
    while (multiplier <= 32767.0 / 2.0 && p.rightShift <= 30) {
        ++p.rightShift;
        multiplier *= 2.0;
    }
    if (multiplier > 32767.0) ctx.fail("the input scale is too large for the int16 table");
    p.multiplier = static_cast<std::int32_t>(multiplier);
    return p;
}

std::int32_t rescaleForTable(std::int32_t x, const Int16TableInput& p) {
    const std::int32_t round = p.rightShift > 0 ? 1 << (p.rightShift - 1) : 0;
    return (x * p.multiplier + round) >> p.rightShift;
}

// Interpolates the sigmoid table at |x| with `fractionBits` bits of fraction per entry; the
// result carries those bits above the table's 16.
std::uint32_t interpolateSigmoid(std::uint32_t magnitude, int fractionBits,
                                 std::uint32_t saturated) {
    const std::uint32_t index = magnitude >> fractionBits;
    if (index >= 255) return saturated;
    const auto table = sigmoidTable();
    const std::uint32_t a = table[index];
    const std::uint32_t b = table[index + 1];
    const std::uint32_t fraction = magnitude & ((1u << fractionBits) - 1);
    return (a << fractionBits) + fraction * (b - a);
}

void logisticInt16(KernelContext& ctx) {
    const auto p = int16TableInput(ctx, false);
    mapQuantized(ctx, DType::Int16, [&](std::int32_t x) {
        const std::int32_t scaled = rescaleForTable(x, p);
        const auto magnitude = static_cast<std::uint32_t>(std::abs(scaled));
        std::uint32_t result = interpolateSigmoid(magnitude, 9, 0x7FFFu << 10);
        // sigmoid(-x) = 1 - sigmoid(x), with the rounding of the final shift by 10.
        result = scaled >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1;
        return static_cast<std::int32_t>(result >> 10);
    });
}

void tanhInt16(KernelContext& ctx) {
    const auto p = int16TableInput(ctx, true);
    mapQuantized(ctx, DType::Int16, [&](std::int32_t x) {
        const std::int32_t scaled = rescaleForTable(x, p);
        const auto magnitude = static_cast<std::uint32_t>(std::abs(scaled));
        // tanh(x) = 2 sigmoid(2x) - 1: the table read at twice the rate (8 fraction bits).
        auto result = static_cast<std::int32_t>(interpolateSigmoid(magnitude, 8, 0xFFFFu << 8));
        result = scaled >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2))
                             : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        return result >> (9 - 1);
    });
}

// int8 and uint8 share the fixed-point path; uint8 is the int8 result moved up by 128 (its
// output zero points are 0 for logistic and 128 for tanh, as the legacy kernels require).
void logistic(KernelContext& ctx) {
    requireType(ctx, {DType::Float32, DType::Int8, DType::UInt8, DType::Int16});
    const auto type = ctx.input(0).dtype();
    if (type == DType::Float32)
        return mapElements<float, float>(ctx, DType::Float32,
                                         [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
    if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the input");
    if (type == DType::Int16) return logisticInt16(ctx);
    const auto p = fixedPointInput(ctx);
    const std::int32_t shift = type == DType::UInt8 ? 128 : 0;
    mapQuantized(ctx, type, [&](std::int32_t x) -> std::int32_t {
        const std::int32_t input = x - p.zeroPoint;
        if (input <= -p.radius) return -128 + shift;
        if (input >= p.radius) return 127 + shift;
        const std::int32_t q4 = multiplyByQuantizedMultiplier(input, p.multiplier, p.leftShift);
        const std::int32_t q0 = fixedPointLogistic(q4, 4);
        const std::int32_t q8 = roundingDivideByPOT(q0, 31 - 8) - 128;
        return std::clamp(q8, -128, 127) + shift;
    });
}

void tanhKernel(KernelContext& ctx) {
    requireType(ctx, {DType::Float32, DType::Int8, DType::UInt8, DType::Int16});
    const auto type = ctx.input(0).dtype();
    if (type == DType::Float32)
        return mapElements<float, float>(ctx, DType::Float32, [](float x) { return std::tanh(x); });
    if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the input");
    if (type == DType::Int16) return tanhInt16(ctx);
    const auto p = fixedPointInput(ctx);
    const std::int32_t shift = type == DType::UInt8 ? 128 : 0;
    mapQuantized(ctx, type, [&](std::int32_t x) -> std::int32_t {
        const std::int32_t input = x - p.zeroPoint;
        if (input <= -p.radius) return -128 + shift;
        if (input >= p.radius) return 127 + shift;
        const std::int32_t q4 = multiplyByQuantizedMultiplier(input, p.multiplier, p.leftShift);
        const std::int32_t q0 = fixedPointTanh(q4, 4);
        return std::clamp(roundingDivideByPOT(q0, 31 - 7), -128, 127) + shift;
    });
}

// Rows along the last axis: (count, depth).
std::pair<std::int64_t, std::int64_t> softmaxRows(const KernelContext& ctx) {
    const auto& input = ctx.input(0);
    if (input.rank() == 0 || input.shape().back() <= 0)
        ctx.fail("softmax needs a non-empty last axis");
    const std::int64_t depth = input.shape().back();
    return {static_cast<std::int64_t>(input.elementCount()) / depth, depth};
}

void softmaxFloat(KernelContext& ctx) {
    const auto [rows, depth] = softmaxRows(ctx);
    const auto beta = static_cast<float>(ctx.doubleAttribute("beta", 1.0));
    const auto in = ctx.input(0).elements<float>();
    Tensor out(DType::Float32, ctx.input(0).shape());
    auto result = out.mutableElements<float>();
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* x = in.data() + r * depth;
        float* y = result.data() + r * depth;
        const float max = *std::max_element(x, x + depth);
        float sum = 0;
        for (std::int64_t c = 0; c < depth; ++c)
            sum += (y[c] = std::exp((x[c] - max) * beta));
        for (std::int64_t c = 0; c < depth; ++c)
            y[c] /= sum;
    }
    ctx.setOutput(0, std::move(out));
}

// Softmax int8/uint8 -> int8/uint8/int16: differences from the row maximum scaled to Q5.26, exp
// in fixed point, summed in Q12.19, multiplied by the reciprocal of the sum and shifted to the
// output's bits, offset by the output type's minimum (its fixed zero point).
void softmaxGemmlowp(KernelContext& ctx) {
    constexpr int kScaledDiffIntegerBits = 5;
    constexpr int kAccumulationIntegerBits = 12;
    const auto outType = ctx.outputValue(0).dtype;
    if (outType != DType::Int8 && outType != DType::UInt8 && outType != DType::Int16)
        ctx.fail("8-bit softmax needs an int8, uint8 or int16 output");
    const auto outLimits = typeLimits(ctx, outType);
    const int outputBits = outType == DType::Int16 ? 16 : 8;
    const auto [rows, depth] = softmaxRows(ctx);
    const auto in = inputQuantization(ctx, 0);
    const double beta = ctx.doubleAttribute("beta", 1.0);
    const double real =
        std::min<double>(beta * static_cast<double>(in.scale) *
                             static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                         static_cast<double>((1LL << 31) - 1));
    const auto m = quantizeMultiplier(real);
    if (m.shift < 0 || m.shift > 31)
        ctx.fail("beta x input scale is out of range for 8-bit softmax");
    const std::int32_t diffMin = -calculateInputRadius(kScaledDiffIntegerBits, m.shift);
    const auto x = widened(ctx, ctx.input(0));
    std::vector<std::int32_t> y(x.size());
    const auto expOf = [&](std::int32_t diff) {
        const std::int32_t scaled =
            multiplyByQuantizedMultiplierGreaterThanOne(diff, m.multiplier, m.shift);
        return expOnNegativeValues(scaled, kScaledDiffIntegerBits);
    };
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::int32_t* row = x.data() + r * depth;
        const std::int32_t max = *std::max_element(row, row + depth);
        std::int32_t sum = 0;
        for (std::int64_t c = 0; c < depth; ++c) {
            const std::int32_t diff = row[c] - max;
            if (diff >= diffMin)
                sum = wrappingAdd(sum, roundingDivideByPOT(expOf(diff), kAccumulationIntegerBits));
        }
        if (sum <= 0) ctx.fail("the row is too long for the 8-bit softmax accumulator");
        // GetReciprocal: normalise the sum to [1, 2) and invert it.
        const int headroomPlusOne = std::countl_zero(static_cast<std::uint32_t>(sum));
        const int bitsOverUnit = kAccumulationIntegerBits - headroomPlusOne;
        const auto shiftedMinusOne = static_cast<std::int32_t>(
            (static_cast<std::uint32_t>(sum) << headroomPlusOne) - (1u << 31));
        const std::int32_t reciprocal = oneOverOnePlusX(shiftedMinusOne);
        for (std::int64_t c = 0; c < depth; ++c) {
            const std::int32_t diff = row[c] - max;
            std::int32_t value = outLimits.min;
            if (diff >= diffMin) {
                const std::int32_t product =
                    saturatingRoundingDoublingHighMul(reciprocal, expOf(diff));
                value =
                    roundingDivideByPOT(product, bitsOverUnit + 31 - outputBits) + outLimits.min;
            }
            y[static_cast<std::size_t>(r * depth + c)] =
                std::clamp(value, outLimits.min, outLimits.max);
        }
    }
    ctx.setOutput(0, narrowed(ctx, outType, ctx.input(0).shape(), y));
}

float expFloat(float x) {
    return std::exp(x);
}
float oneOverOnePlus(float x) {
    return 1.0f / (1.0f + x);
}

// Softmax int16 -> int16: differences scaled so [-65535, 0] spans [-10, 0], exp from a 513-entry
// table, the sum normalised and inverted through the 1/(1+x) table; output Q0.15.
void softmaxInt16(KernelContext& ctx) {
    if (ctx.outputValue(0).dtype != DType::Int16) ctx.fail("int16 softmax needs an int16 output");
    const auto out = outputQuantization(ctx, 0);
    if (out.zeroPoint != 0 || std::abs(out.scale - 1.0f / 32768) > 0.001f / 32768)
        ctx.fail("int16 softmax needs output scale 2^-15 and zero point 0");
    static const Int16Table expTable = int16Table(expFloat, -10.0f, 0.0f, -1.0f, 1.0f);
    static const Int16Table reciprocalTable = int16Table(oneOverOnePlus, 0.0f, 1.0f, -1.0f, 1.0f);
    const auto in = inputQuantization(ctx, 0);
    const double beta = ctx.doubleAttribute("beta", 1.0);
    const auto m =
        quantizeMultiplier(static_cast<double>(in.scale) *
                           static_cast<double>(static_cast<float>(beta)) / (10.0 / 65535.0));
    if (m.shift > 30) ctx.fail("beta x input scale is out of range for int16 softmax");
    const auto [rows, depth] = softmaxRows(ctx);
    const auto x = ctx.input(0).elements<std::int16_t>();
    Tensor result(DType::Int16, ctx.input(0).shape());
    auto y = result.mutableElements<std::int16_t>();
    std::vector<std::int16_t> exps(static_cast<std::size_t>(depth));
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::int16_t* row = x.data() + r * depth;
        const std::int32_t max = *std::max_element(row, row + depth);
        std::int64_t sum = 0;
        for (std::int64_t c = 0; c < depth; ++c) {
            const std::int32_t scaled =
                multiplyByQuantizedMultiplier(row[c] - max, m.multiplier, m.shift);
            const auto centred =
                static_cast<std::int16_t>(std::clamp(scaled + 32767, -32768, 32767));
            exps[static_cast<std::size_t>(c)] = int16TableLookup(centred, expTable);
            sum += exps[static_cast<std::size_t>(c)];
        }
        const std::int32_t sumOfExps = wrapToInt32(sum);
        if (sumOfExps <= 0) ctx.fail("the row is too long for the int16 softmax accumulator");
        const int headroomPlusOne = std::countl_zero(static_cast<std::uint32_t>(sumOfExps));
        const auto shiftedSum = static_cast<std::int32_t>(
            ((std::int64_t{sumOfExps} << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
        // The table computes 1/(1+x): x = sum - 1, recentred from [0, 65535] to the int16 range.
        const auto centredSum = static_cast<std::int16_t>(
            std::clamp(shiftedSum - ((1 << 15) + (1 << 16)), -32768, 32767));
        const std::int16_t reciprocal = int16TableLookup(centredSum, reciprocalTable);
        const int rightShift = 31 - headroomPlusOne;
        const std::int64_t round = std::int64_t{1} << (rightShift - 1);
        for (std::int64_t c = 0; c < depth; ++c) {
            const auto value = static_cast<std::int32_t>(
                (std::int64_t{exps[static_cast<std::size_t>(c)]} * reciprocal + round) >>
                rightShift);
            y[static_cast<std::size_t>(r * depth + c)] =
                static_cast<std::int16_t>(std::clamp(value, 0, 32767));
        }
    }
    ctx.setOutput(0, std::move(result));
}

void softmax(KernelContext& ctx) {
    requireType(ctx, {DType::Float32, DType::Int8, DType::UInt8, DType::Int16});
    if (ctx.input(0).dtype() == DType::Float32) return softmaxFloat(ctx);
    if (ctx.input(0).dtype() == DType::Int16) return softmaxInt16(ctx);
    softmaxGemmlowp(ctx);
}

} // namespace

void addActivationKernels(KernelRegistry& registry) {
    constexpr float kInfinity = std::numeric_limits<float>::infinity();
    registry.add("tflite.RELU", [](KernelContext& ctx) { relu(ctx, 0.0f, kInfinity); });
    registry.add("tflite.RELU6", [](KernelContext& ctx) { relu(ctx, 0.0f, 6.0f); });
    registry.add("tflite.RELU_N1_TO_1", [](KernelContext& ctx) { relu(ctx, -1.0f, 1.0f); });
    registry.add("tflite.LOGISTIC", logistic);
    registry.add("tflite.TANH", tanhKernel);
    registry.add("tflite.SOFTMAX", softmax);
}

} // namespace pteron::runtime::tflite
