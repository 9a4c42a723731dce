// RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH and SOFTMAX: fp32, and int8 with TFLM's
// reference arithmetic (rescaling RELU, gemmlowp fixed-point logistic/tanh/softmax).
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
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

// RELU and RELU_N1_TO_1 on int8 rescale input to output (ReluQuantized); RELU6 clamps
// between the input's quantised 0 and 6 without rescaling (Relu6Quantized).
void relu(KernelContext& ctx, float low, float high) {
    requireType(ctx, {DType::Float32, DType::Int8});
    if (ctx.input(0).dtype() == DType::Float32)
        return mapElements<float, float>(ctx, DType::Float32,
                                         [&](float x) { return std::clamp(x, low, high); });
    const auto in = inputQuantization(ctx, 0);
    const auto out = outputQuantization(ctx, 0);
    if (out.scale <= 0) ctx.fail("the output scale must be positive");
    const auto quantize = [](float value, const TensorQuantization& q) {
        const double r = std::round(static_cast<double>(value / q.scale));
        return static_cast<std::int32_t>(std::clamp<double>(q.zeroPoint + r, -128, 127));
    };
    if (high == 6.0f && low == 0.0f) {
        const auto lower = static_cast<std::int8_t>(std::clamp(in.zeroPoint, -128, 127));
        const auto upper = static_cast<std::int8_t>(quantize(6.0f, in));
        return mapElements<std::int8_t, std::int8_t>(ctx, DType::Int8, [&](std::int8_t x) {
            return std::clamp(x, lower, std::max(lower, upper));
        });
    }
    const auto m = quantizeMultiplier(static_cast<double>(in.scale / out.scale));
    const std::int32_t minimum = std::max(-128, quantize(low, out));
    const std::int32_t maximum = std::isinf(high) ? 127 : std::min(127, quantize(high, out));
    mapElements<std::int8_t, std::int8_t>(ctx, DType::Int8, [&](std::int8_t x) {
        const std::int64_t v =
            std::int64_t{out.zeroPoint} +
            multiplyByQuantizedMultiplier(wrapToInt32(std::int64_t{x} - in.zeroPoint), m.multiplier,
                                          m.shift);
        return static_cast<std::int8_t>(std::clamp<std::int64_t>(v, minimum, maximum));
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

void logistic(KernelContext& ctx) {
    requireType(ctx, {DType::Float32, DType::Int8});
    if (ctx.input(0).dtype() == DType::Float32)
        return mapElements<float, float>(ctx, DType::Float32,
                                         [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
    const auto p = fixedPointInput(ctx);
    mapElements<std::int8_t, std::int8_t>(ctx, DType::Int8, [&](std::int8_t x) -> std::int8_t {
        const std::int32_t input = x - p.zeroPoint;
        if (input <= -p.radius) return -128;
        if (input >= p.radius) return 127;
        const std::int32_t q4 = multiplyByQuantizedMultiplier(input, p.multiplier, p.leftShift);
        const std::int32_t q0 = fixedPointLogistic(q4, 4);
        const std::int32_t q8 = roundingDivideByPOT(q0, 31 - 8) - 128;
        return static_cast<std::int8_t>(std::clamp(q8, -128, 127));
    });
}

void tanhKernel(KernelContext& ctx) {
    requireType(ctx, {DType::Float32, DType::Int8});
    if (ctx.input(0).dtype() == DType::Float32)
        return mapElements<float, float>(ctx, DType::Float32, [](float x) { return std::tanh(x); });
    const auto p = fixedPointInput(ctx);
    mapElements<std::int8_t, std::int8_t>(ctx, DType::Int8, [&](std::int8_t x) -> std::int8_t {
        const std::int32_t input = x - p.zeroPoint;
        if (input <= -p.radius) return -128;
        if (input >= p.radius) return 127;
        const std::int32_t q4 = multiplyByQuantizedMultiplier(input, p.multiplier, p.leftShift);
        const std::int32_t q0 = fixedPointTanh(q4, 4);
        return static_cast<std::int8_t>(std::clamp(roundingDivideByPOT(q0, 31 - 7), -128, 127));
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

// Softmax int8 -> int8: differences from the row maximum scaled to Q5.26, exp in fixed point,
// summed in Q12.19, multiplied by the reciprocal of the sum.
void softmaxInt8(KernelContext& ctx) {
    constexpr int kScaledDiffIntegerBits = 5;
    constexpr int kAccumulationIntegerBits = 12;
    if (ctx.outputValue(0).dtype != DType::Int8) ctx.fail("int8 softmax needs an int8 output");
    const auto [rows, depth] = softmaxRows(ctx);
    const auto in = inputQuantization(ctx, 0);
    const double beta = ctx.doubleAttribute("beta", 1.0);
    const double real =
        std::min<double>(beta * static_cast<double>(in.scale) *
                             static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                         static_cast<double>((1LL << 31) - 1));
    const auto m = quantizeMultiplier(real);
    if (m.shift < 0 || m.shift > 31)
        ctx.fail("beta x input scale is out of range for int8 softmax");
    const std::int32_t diffMin = -calculateInputRadius(kScaledDiffIntegerBits, m.shift);
    const auto x = ctx.input(0).elements<std::int8_t>();
    Tensor out(DType::Int8, ctx.input(0).shape());
    auto y = out.mutableElements<std::int8_t>();
    const auto expOf = [&](std::int32_t diff) {
        const std::int32_t scaled =
            multiplyByQuantizedMultiplierGreaterThanOne(diff, m.multiplier, m.shift);
        return expOnNegativeValues(scaled, kScaledDiffIntegerBits);
    };
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::int8_t* row = x.data() + r * depth;
        const std::int32_t max = *std::max_element(row, row + depth);
        std::int32_t sum = 0;
        for (std::int64_t c = 0; c < depth; ++c) {
            const std::int32_t diff = row[c] - max;
            if (diff >= diffMin)
                sum = wrappingAdd(sum, roundingDivideByPOT(expOf(diff), kAccumulationIntegerBits));
        }
        if (sum <= 0) ctx.fail("the row is too long for the int8 softmax accumulator");
        // GetReciprocal: normalise the sum to [1, 2) and invert it.
        const int headroomPlusOne = std::countl_zero(static_cast<std::uint32_t>(sum));
        const int bitsOverUnit = kAccumulationIntegerBits - headroomPlusOne;
        const auto shiftedMinusOne = static_cast<std::int32_t>(
            (static_cast<std::uint32_t>(sum) << headroomPlusOne) - (1u << 31));
        const std::int32_t reciprocal = oneOverOnePlusX(shiftedMinusOne);
        for (std::int64_t c = 0; c < depth; ++c) {
            const std::int32_t diff = row[c] - max;
            std::int32_t value = -128;
            if (diff >= diffMin) {
                const std::int32_t product =
                    saturatingRoundingDoublingHighMul(reciprocal, expOf(diff));
                value = roundingDivideByPOT(product, bitsOverUnit + 31 - 8) - 128;
            }
            y[static_cast<std::size_t>(r * depth + c)] =
                static_cast<std::int8_t>(std::clamp(value, -128, 127));
        }
    }
    ctx.setOutput(0, std::move(out));
}

void softmax(KernelContext& ctx) {
    requireType(ctx, {DType::Float32, DType::Int8});
    if (ctx.input(0).dtype() == DType::Float32) return softmaxFloat(ctx);
    softmaxInt8(ctx);
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
