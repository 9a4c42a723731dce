// Broadcasting binary operators ADD, SUB, MUL (int8, uint8 and int16 per TFLM add/sub/mul with
// their left shift and rescales, int32, fp32), DIV, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE.
// int16 ADD/SUB whose three scales are powers of two (and whose pot_scale_int16 option is set,
// the schema's default) take TFLite's shift-only path instead, as TFLite's add.cc and sub.cc do.
#include "runtime/kernels/tflite/tflite_broadcast.hpp"
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"

#include <cmath>
#include <optional>

namespace pteron::runtime::tflite {

namespace {

enum class BinaryOp { Add, Sub, Mul, Div, Maximum, Minimum, SquaredDifference };

template <typename In, typename Out, typename Compute>
Tensor broadcastInto(const KernelContext& ctx, DType outType, Compute&& compute) {
    const auto& a = ctx.input(0);
    const auto& b = ctx.input(1);
    const auto plan = broadcastShapes(ctx, a.shape(), b.shape());
    Tensor out(outType, plan.output);
    const auto* x = a.elements<In>().data();
    const auto* y = b.elements<In>().data();
    auto* result = out.mutableElements<Out>().data();
    forEachBroadcast(plan, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
        result[i] = compute(x[ia], y[ib]);
    });
    return out;
}

float floatOp(BinaryOp op, float x, float y) {
    switch (op) {
    case BinaryOp::Add:
        return x + y;
    case BinaryOp::Sub:
        return x - y;
    case BinaryOp::Mul:
        return x * y;
    case BinaryOp::Div:
        return x / y;
    case BinaryOp::Maximum:
        return std::max(x, y);
    case BinaryOp::Minimum:
        return std::min(x, y);
    case BinaryOp::SquaredDifference:
        return (x - y) * (x - y);
    }
    return 0;
}

void binaryFloat(KernelContext& ctx, BinaryOp op) {
    const auto range = floatActivationRange(ctx);
    ctx.setOutput(0, broadcastInto<float, float>(ctx, DType::Float32, [&](float x, float y) {
                      return std::clamp(floatOp(op, x, y), range.min, range.max);
                  }));
}

void binaryInt32(KernelContext& ctx, BinaryOp op) {
    const auto activation = fusedActivation(ctx);
    std::int64_t low = std::numeric_limits<std::int32_t>::min();
    std::int64_t high = std::numeric_limits<std::int32_t>::max();
    if (activation == "RELU" || activation == "RELU6") low = 0;
    if (activation == "RELU6") high = 6;
    if (activation == "RELU_N1_TO_1") low = -1, high = 1;
    ctx.setOutput(0, broadcastInto<std::int32_t, std::int32_t>(
                         ctx, DType::Int32, [&](std::int32_t x, std::int32_t y) -> std::int32_t {
                             std::int64_t r = 0;
                             switch (op) {
                             case BinaryOp::Add:
                                 r = std::int64_t{x} + y;
                                 break;
                             case BinaryOp::Sub:
                                 r = std::int64_t{x} - y;
                                 break;
                             case BinaryOp::Mul:
                                 r = std::int64_t{x} * y;
                                 break;
                             case BinaryOp::Div:
                                 r = y == 0 ? 0 : std::int64_t{x} / y;
                                 break;
                             case BinaryOp::Maximum:
                                 r = std::max(x, y);
                                 break;
                             case BinaryOp::Minimum:
                                 r = std::min(x, y);
                                 break;
                             case BinaryOp::SquaredDifference:
                                 r = (std::int64_t{x} - y) * (std::int64_t{x} - y);
                                 break;
                             }
                             return static_cast<std::int32_t>(
                                 std::clamp(static_cast<std::int64_t>(wrapToInt32(r)), low, high));
                         }));
}

// Both operands of a quantised binary operator widened to int32, combined by compute(x, y)
// (raw stored values) and narrowed to the output type.
template <typename Compute>
Tensor broadcastQuantized(const KernelContext& ctx, DType type, Compute&& compute) {
    const auto plan = broadcastShapes(ctx, ctx.input(0).shape(), ctx.input(1).shape());
    const auto x = widened(ctx, ctx.input(0));
    const auto y = widened(ctx, ctx.input(1));
    std::vector<std::int32_t> result(static_cast<std::size_t>(elementCountOf(plan.output)));
    forEachBroadcast(plan, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
        result[static_cast<std::size_t>(i)] =
            compute(x[static_cast<std::size_t>(ia)], y[static_cast<std::size_t>(ib)]);
    });
    return narrowed(ctx, type, plan.output, result);
}

// ADD/SUB: both inputs are brought to a common scale (twice the larger input scale) with 20
// bits of headroom (15 for int16), summed, then rescaled to the output.
void addSubQuantized(KernelContext& ctx, DType type, bool subtract) {
    const auto in1 = inputQuantization(ctx, 0);
    const auto in2 = inputQuantization(ctx, 1);
    const auto out = outputQuantization(ctx, 0);
    if (in1.scale <= 0 || in2.scale <= 0 || out.scale <= 0) ctx.fail("scales must be positive");
    const int leftShift = type == DType::Int16 ? 15 : 20;
    const double twiceMax = 2 * static_cast<double>(std::max(in1.scale, in2.scale));
    const auto m1 = quantizeMultiplier(static_cast<double>(in1.scale) / twiceMax);
    const auto m2 = quantizeMultiplier(static_cast<double>(in2.scale) / twiceMax);
    const auto mOut =
        quantizeMultiplier(twiceMax / ((1 << leftShift) * static_cast<double>(out.scale)));
    if (m1.shift > 0 || m2.shift > 0 || mOut.shift > 0)
        ctx.fail("input scales are too different for the integer ADD/SUB");
    const auto limits = typeLimits(ctx, type);
    const auto range = quantizedActivationRange(ctx, out, limits.min, limits.max);
    ctx.setOutput(
        0, broadcastQuantized(ctx, type, [&](std::int32_t x, std::int32_t y) {
            const std::int32_t a = wrapToInt32((std::int64_t{x} - in1.zeroPoint) << leftShift);
            const std::int32_t b = wrapToInt32((std::int64_t{y} - in2.zeroPoint) << leftShift);
            const std::int32_t sa = multiplyByQuantizedMultiplier(a, m1.multiplier, m1.shift);
            const std::int32_t sb = multiplyByQuantizedMultiplier(b, m2.multiplier, m2.shift);
            const std::int32_t raw = subtract ? wrappingSub(sa, sb) : wrappingAdd(sa, sb);
            const std::int64_t scaled =
                std::int64_t{multiplyByQuantizedMultiplier(raw, mOut.multiplier, mOut.shift)} +
                out.zeroPoint;
            return static_cast<std::int32_t>(
                std::clamp<std::int64_t>(scaled, range.min, range.max));
        }));
}

// TFLite's CheckedLog2: log2 of the scale rounded, when it is within 1e-3 of an integer.
std::optional<int> powerOfTwoExponent(float scale) {
    const float log2 = std::log(scale) * (1.0f / std::log(2.0f));
    const float rounded = std::round(log2);
    if (!(std::abs(log2 - rounded) < 1e-3f)) return std::nullopt;
    return static_cast<int>(rounded);
}

// The power-of-two exponents of both inputs relative to the output's, when int16 ADD/SUB takes
// the shift-only path.
std::optional<std::pair<int, int>> powerOfTwoShifts(const KernelContext& ctx, DType type) {
    if (type != DType::Int16 || !ctx.boolAttribute("pot_scale_int16", true)) return std::nullopt;
    const auto in1 = powerOfTwoExponent(inputQuantization(ctx, 0).scale);
    const auto in2 = powerOfTwoExponent(inputQuantization(ctx, 1).scale);
    const auto out = powerOfTwoExponent(outputQuantization(ctx, 0).scale);
    if (!in1 || !in2 || !out) return std::nullopt;
    return std::pair{*in1 - *out, *in2 - *out};
}

// One input is at the output's scale; the other, at a smaller power of two, is divided down to
// it with rounding (gemmlowp RoundingDivideByPOT); the int16 sum or difference saturates, then
// the fused activation clamps.
void addSubPowerOfTwo(KernelContext& ctx, std::pair<int, int> shifts, bool subtract) {
    const auto [shift1, shift2] = shifts;
    if ((shift1 != 0 && shift2 != 0) || shift1 > 0 || shift2 > 0)
        ctx.fail("power-of-two int16 ADD/SUB needs one input at the output's scale and the "
                 "other at a smaller one");
    const int rightShift = shift1 == 0 ? -shift2 : -shift1;
    if (rightShift > 15) ctx.fail("power-of-two int16 ADD/SUB shifts an input by more than 15");
    // TFLite's shift-only ADD (unlike its SUB) walks both inputs as flat arrays of one size.
    if (!subtract && ctx.input(0).shape() != ctx.input(1).shape())
        ctx.fail("power-of-two int16 ADD takes inputs of one shape, given " +
                 ctx.input(0).typeText() + " and " + ctx.input(1).typeText());
    const auto out = outputQuantization(ctx, 0);
    if (inputQuantization(ctx, 0).zeroPoint != 0 || inputQuantization(ctx, 1).zeroPoint != 0 ||
        out.zeroPoint != 0)
        ctx.fail("int16 zero points must be 0");
    const auto range = quantizedActivationRange(ctx, out, -32768, 32767);
    const bool shiftFirst = shift1 != 0;
    ctx.setOutput(0, broadcastQuantized(ctx, DType::Int16, [&](std::int32_t x, std::int32_t y) {
                      const std::int32_t a = shiftFirst ? roundingDivideByPOT(x, rightShift) : x;
                      const std::int32_t b = shiftFirst ? y : roundingDivideByPOT(y, rightShift);
                      const std::int32_t saturated =
                          std::clamp(subtract ? a - b : a + b, -32768, 32767);
                      return std::clamp(saturated, range.min, range.max);
                  }));
}

void mulQuantized(KernelContext& ctx, DType type) {
    const auto in1 = inputQuantization(ctx, 0);
    const auto in2 = inputQuantization(ctx, 1);
    const auto out = outputQuantization(ctx, 0);
    if (out.scale <= 0) ctx.fail("the output scale must be positive");
    const auto m =
        quantizeMultiplier(static_cast<double>(in1.scale) * static_cast<double>(in2.scale) /
                           static_cast<double>(out.scale));
    const auto limits = typeLimits(ctx, type);
    const auto range = quantizedActivationRange(ctx, out, limits.min, limits.max);
    ctx.setOutput(
        0, broadcastQuantized(ctx, type, [&](std::int32_t x, std::int32_t y) {
            const std::int32_t product =
                wrapToInt32((std::int64_t{x} - in1.zeroPoint) * (std::int64_t{y} - in2.zeroPoint));
            const std::int64_t scaled =
                std::int64_t{multiplyByQuantizedMultiplier(product, m.multiplier, m.shift)} +
                out.zeroPoint;
            return static_cast<std::int32_t>(
                std::clamp<std::int64_t>(scaled, range.min, range.max));
        }));
}

// MAXIMUM/MINIMUM on quantised tensors compare raw values (both inputs share the output
// quantisation).
void minMaxQuantized(KernelContext& ctx, DType type, bool maximum) {
    ctx.setOutput(0, broadcastQuantized(ctx, type, [&](std::int32_t x, std::int32_t y) {
                      return maximum ? std::max(x, y) : std::min(x, y);
                  }));
}

void binary(KernelContext& ctx, BinaryOp op) {
    const auto type = ctx.input(0).dtype();
    if (ctx.input(1).dtype() != type)
        ctx.fail("operands must share a type, given " + ctx.input(0).typeText() + " and " +
                 ctx.input(1).typeText());
    if (type == DType::Float32) return binaryFloat(ctx, op);
    if (type == DType::Int32) return binaryInt32(ctx, op);
    if (isQuantizedActivation(type)) {
        if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the inputs");
        if (op == BinaryOp::Add || op == BinaryOp::Sub) {
            if (const auto shifts = powerOfTwoShifts(ctx, type))
                return addSubPowerOfTwo(ctx, *shifts, op == BinaryOp::Sub);
            return addSubQuantized(ctx, type, op == BinaryOp::Sub);
        }
        if (op == BinaryOp::Mul) return mulQuantized(ctx, type);
        if (op == BinaryOp::Maximum || op == BinaryOp::Minimum)
            return minMaxQuantized(ctx, type, op == BinaryOp::Maximum);
    }
    ctx.fail("input type " + ctx.input(0).typeText() + " is not supported for this operator");
}

} // namespace

void addElementwiseKernels(KernelRegistry& registry) {
    const std::pair<const char*, BinaryOp> ops[] = {
        {"tflite.ADD", BinaryOp::Add},
        {"tflite.SUB", BinaryOp::Sub},
        {"tflite.MUL", BinaryOp::Mul},
        {"tflite.DIV", BinaryOp::Div},
        {"tflite.MAXIMUM", BinaryOp::Maximum},
        {"tflite.MINIMUM", BinaryOp::Minimum},
        {"tflite.SQUARED_DIFFERENCE", BinaryOp::SquaredDifference},
    };
    for (const auto& [name, op] : ops)
        registry.add(name, [op](KernelContext& ctx) { binary(ctx, op); });
}

} // namespace pteron::runtime::tflite
