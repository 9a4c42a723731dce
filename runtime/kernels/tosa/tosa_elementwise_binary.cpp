// TOSA elementwise binary operators with broadcasting: arithmetic (ADD, SUB, MUL with shift,
// INTDIV, POW, MAXIMUM, MINIMUM), shifts, bitwise and logical operators, comparisons, and the
// ternary SELECT. Integer results wrap to the output width where the specification leaves an
// overflow unpredictable; shift amounts and divisors are checked first.
#include "runtime/kernels/tosa/tosa_broadcast.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace pteron::runtime::tosa {

namespace {

// Truncates an int64 result to the width of the output type (sign-extending int48 from bit 47).
template <typename Out> Out wrapTo(std::int64_t value, DType type) {
    if (type == DType::Int48)
        return static_cast<Out>(
            static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << 16) >> 16);
    if (type == DType::Bool) return static_cast<Out>(value != 0);
    return static_cast<Out>(value);
}

struct Operands {
    Tensor a;
    Tensor b;
    Shape out;
};

Operands binaryOperands(const KernelContext& ctx) {
    const auto& a = ctx.input(0);
    const auto& b = ctx.input(1);
    if (a.dtype() != b.dtype())
        ctx.fail("operands must have one element type, given " + a.typeText() + " and " +
                 b.typeText());
    auto out = broadcastShape(ctx, {&a.shape(), &b.shape()});
    checkOutputShape(ctx, 0, out);
    return {a, b, std::move(out)};
}

// An integer operator: f(int64 a, int64 b) -> int64, stored truncated to the output type.
template <typename F>
void integerBinary(KernelContext& ctx, const Operands& in, DType outType, const F& f) {
    Tensor output(outType, in.out);
    withIntegerType(ctx, in.a.dtype(), [&]<typename T>() {
        withIntegerType(ctx, outType, [&]<typename Out>() {
            broadcastBinary(
                ctx, in.a.elements<T>().data(), in.a.shape(), in.b.elements<T>().data(),
                in.b.shape(), output.mutableElements<Out>().data(), in.out, [&](T x, T y) {
                    return wrapTo<Out>(
                        f(static_cast<std::int64_t>(x), static_cast<std::int64_t>(y)), outType);
                });
        });
    });
    ctx.setOutput(0, std::move(output));
}

// A floating-point operator computed in fp32 and rounded to the output type.
template <typename F> void floatBinary(KernelContext& ctx, const Operands& in, const F& f) {
    const auto outType = outputType(ctx, 0, in.a.dtype());
    const auto x = floatsOf(ctx, in.a);
    const auto y = floatsOf(ctx, in.b);
    auto out = floatBuffer(ctx, in.out);
    broadcastBinary(ctx, x.data(), in.a.shape(), y.data(), in.b.shape(), out.data(), in.out,
                    [&](float p, float q) { return roundToFloatType(outType, f(p, q)); });
    ctx.setOutput(0, floatTensor(ctx, outType, in.out, out));
}

// A comparison: bool output for integer or floating-point operands.
template <typename F> void comparison(KernelContext& ctx, const F& f) {
    const auto in = binaryOperands(ctx);
    Tensor output(DType::Bool, in.out);
    auto* out = output.mutableElements<std::uint8_t>().data();
    if (isTosaFloat(in.a.dtype())) {
        const auto x = floatsOf(ctx, in.a);
        const auto y = floatsOf(ctx, in.b);
        broadcastBinary(ctx, x.data(), in.a.shape(), y.data(), in.b.shape(), out, in.out,
                        [&](float p, float q) { return static_cast<std::uint8_t>(f(p, q)); });
    } else {
        withIntegerType(ctx, in.a.dtype(), [&]<typename T>() {
            broadcastBinary(ctx, in.a.elements<T>().data(), in.a.shape(), in.b.elements<T>().data(),
                            in.b.shape(), out, in.out,
                            [&](T p, T q) { return static_cast<std::uint8_t>(f(p, q)); });
        });
    }
    ctx.setOutput(0, std::move(output));
}

unsigned bitsOf(DType type) {
    return type == DType::Int48 ? 48 : dtypeBits(type);
}

// Every value of the second operand must be a shift amount in [0, bits - 1].
void checkShiftAmounts(const KernelContext& ctx, const Tensor& amounts) {
    const auto bits = static_cast<std::int64_t>(bitsOf(amounts.dtype()));
    for (const auto amount : integersOf(ctx, amounts))
        if (amount < 0 || amount >= bits)
            ctx.fail("shift amount " + std::to_string(amount) + " is outside [0, " +
                     std::to_string(bits - 1) + "]");
}

// Arithmetic on the integers and floats of one type, wrapping integers to the output width.
template <typename IntOp, typename FloatOp>
void arithmetic(KernelContext& ctx, const IntOp& intOp, const FloatOp& floatOp) {
    const auto in = binaryOperands(ctx);
    if (isTosaFloat(in.a.dtype())) return floatBinary(ctx, in, floatOp);
    integerBinary(ctx, in, outputType(ctx, 0, in.a.dtype()), intOp);
}

// Bits of two's-complement values without signed overflow.
std::int64_t wrappingAdd(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
std::int64_t wrappingSub(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

float nanAware(float a, float b, bool ignoreNan, bool maximum) {
    if (std::isnan(a) || std::isnan(b)) {
        if (!ignoreNan || (std::isnan(a) && std::isnan(b)))
            return std::numeric_limits<float>::quiet_NaN();
        return std::isnan(a) ? b : a;
    }
    return maximum ? (a >= b ? a : b) : (a <= b ? a : b);
}

void minimumOrMaximum(KernelContext& ctx, bool maximum) {
    const bool ignoreNan = ctx.enumAttribute("nan_mode", "PROPAGATE") == "IGNORE";
    arithmetic(
        ctx,
        [maximum](std::int64_t a, std::int64_t b) {
            return maximum ? std::max(a, b) : std::min(a, b);
        },
        [=](float a, float b) { return nanAware(a, b, ignoreNan, maximum); });
}

// MUL: int8/int16/int32 operands give int32; int32 x int32 may shift the int64 product right
// with rounding (TOSA 1.0: operand 2, TOSA 0.80: attribute).
void multiply(KernelContext& ctx) {
    const auto in = binaryOperands(ctx);
    if (isTosaFloat(in.a.dtype()))
        return floatBinary(ctx, in, [](float a, float b) { return a * b; });
    const auto shift = ctx.hasInput(2) ? zeroPoint(ctx, 2, "shift") : ctx.intAttribute("shift", 0);
    if (shift < 0 || shift > 63) ctx.fail("shift " + std::to_string(shift) + " outside [0, 63]");
    if (shift != 0 && in.a.dtype() != DType::Int32) ctx.fail("only int32 MUL may shift");
    const auto type = in.a.dtype();
    if (type != DType::Int8 && type != DType::Int16 && type != DType::Int32)
        ctx.fail("MUL takes int8, int16, int32 or floating-point operands, given " +
                 in.a.typeText());
    const auto outType = outputType(ctx, 0, DType::Int32);
    integerBinary(ctx, in, outType, [shift](std::int64_t a, std::int64_t b) {
        // int32 x int32 fits int64 exactly. Halving first gives the same rounded quotient and
        // keeps product + rounding below 2^63 for every shift.
        const auto product = a * b;
        if (shift == 0) return product;
        if (shift == 1) return (product + 1) >> 1;
        return ((product >> 1) + (std::int64_t{1} << (shift - 2))) >> (shift - 1);
    });
}

void integerDivide(KernelContext& ctx) {
    const auto in = binaryOperands(ctx);
    const auto type = in.a.dtype();
    if (type != DType::Int8 && type != DType::Int16 && type != DType::Int32)
        ctx.fail("INTDIV takes int32 operands, given " + in.a.typeText());
    for (const auto divisor : integersOf(ctx, in.b))
        if (divisor == 0) ctx.fail("division by zero");
    integerBinary(ctx, in, outputType(ctx, 0, in.a.dtype()), [](std::int64_t a, std::int64_t b) {
        return a / b; // int64 holds INT32_MIN / -1; the store wraps it like the specification
    });
}

void arithmeticRightShift(KernelContext& ctx) {
    const auto in = binaryOperands(ctx);
    checkShiftAmounts(ctx, in.b);
    const bool round = ctx.boolAttribute("round", false);
    integerBinary(ctx, in, outputType(ctx, 0, in.a.dtype()),
                  [round](std::int64_t a, std::int64_t b) {
                      auto result = a >> b;
                      if (round && b > 0 && ((a >> (b - 1)) & 1) != 0) ++result;
                      return result;
                  });
}

void logicalShift(KernelContext& ctx, bool left) {
    const auto in = binaryOperands(ctx);
    checkShiftAmounts(ctx, in.b);
    const auto bits = bitsOf(in.a.dtype());
    const std::uint64_t mask = bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    integerBinary(ctx, in, outputType(ctx, 0, in.a.dtype()),
                  [left, mask](std::int64_t a, std::int64_t b) {
                      const auto value = static_cast<std::uint64_t>(a) & mask;
                      return static_cast<std::int64_t>(left ? (value << b) & mask : value >> b);
                  });
}

template <typename F> void bitwise(KernelContext& ctx, const F& f) {
    const auto in = binaryOperands(ctx);
    if (isTosaFloat(in.a.dtype())) ctx.fail("bitwise operators take integers");
    integerBinary(ctx, in, outputType(ctx, 0, in.a.dtype()), f);
}

template <typename F> void logical(KernelContext& ctx, const F& f) {
    const auto in = binaryOperands(ctx);
    requireType(ctx, in.a, DType::Bool, "operand");
    integerBinary(ctx, in, DType::Bool,
                  [&](std::int64_t a, std::int64_t b) { return f(a != 0, b != 0) ? 1 : 0; });
}

// SELECT(condition, on_true, on_false) with broadcasting over all three.
void select(KernelContext& ctx) {
    const auto& condition = ctx.input(0);
    const auto& onTrue = ctx.input(1);
    const auto& onFalse = ctx.input(2);
    requireType(ctx, condition, DType::Bool, "condition");
    if (onTrue.dtype() != onFalse.dtype())
        ctx.fail("choices must have one element type, given " + onTrue.typeText() + " and " +
                 onFalse.typeText());
    const auto out = broadcastShape(ctx, {&condition.shape(), &onTrue.shape(), &onFalse.shape()});
    checkOutputShape(ctx, 0, out);
    const auto type = onTrue.dtype();
    const auto bytes = runtimeElementBytes(type);
    Tensor output(type, out);
    const auto* c = condition.elements<std::uint8_t>().data();
    const auto* t = onTrue.bytes().data();
    const auto* f = onFalse.bytes().data();
    auto* o = output.mutableBytes().data();
    broadcastRuns<3>(
        ctx, out, {&condition.shape(), &onTrue.shape(), &onFalse.shape()},
        [&](std::int64_t at, const std::array<std::int64_t, 3>& offsets, std::int64_t length,
            const std::array<std::int64_t, 3>& inner) {
            for (std::int64_t i = 0; i < length; ++i) {
                const auto* source =
                    c[offsets[0] + i * inner[0]]
                        ? t + (offsets[1] + i * inner[1]) * static_cast<std::int64_t>(bytes)
                        : f + (offsets[2] + i * inner[2]) * static_cast<std::int64_t>(bytes);
                std::memcpy(o + (at + i) * static_cast<std::int64_t>(bytes), source, bytes);
            }
        });
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addElementwiseBinaryKernels(KernelRegistry& registry) {
    registry.add("tosa.ADD", [](KernelContext& ctx) {
        arithmetic(ctx, wrappingAdd, [](float a, float b) { return a + b; });
    });
    registry.add("tosa.SUB", [](KernelContext& ctx) {
        arithmetic(ctx, wrappingSub, [](float a, float b) { return a - b; });
    });
    registry.add("tosa.MUL", multiply);
    registry.add("tosa.INTDIV", integerDivide);
    registry.add("tosa.POW", [](KernelContext& ctx) {
        const auto in = binaryOperands(ctx);
        if (!isTosaFloat(in.a.dtype())) ctx.fail("POW takes floating-point operands");
        floatBinary(ctx, in, [](float a, float b) { return std::pow(a, b); });
    });
    registry.add("tosa.MAXIMUM", [](KernelContext& ctx) { minimumOrMaximum(ctx, true); });
    registry.add("tosa.MINIMUM", [](KernelContext& ctx) { minimumOrMaximum(ctx, false); });
    registry.add("tosa.ARITHMETIC_RIGHT_SHIFT", arithmeticRightShift);
    registry.add("tosa.LOGICAL_LEFT_SHIFT", [](KernelContext& ctx) { logicalShift(ctx, true); });
    registry.add("tosa.LOGICAL_RIGHT_SHIFT", [](KernelContext& ctx) { logicalShift(ctx, false); });
    registry.add("tosa.BITWISE_AND", [](KernelContext& ctx) {
        bitwise(ctx, [](std::int64_t a, std::int64_t b) { return a & b; });
    });
    registry.add("tosa.BITWISE_OR", [](KernelContext& ctx) {
        bitwise(ctx, [](std::int64_t a, std::int64_t b) { return a | b; });
    });
    registry.add("tosa.BITWISE_XOR", [](KernelContext& ctx) {
        bitwise(ctx, [](std::int64_t a, std::int64_t b) { return a ^ b; });
    });
    registry.add("tosa.LOGICAL_AND",
                 [](KernelContext& ctx) { logical(ctx, [](bool a, bool b) { return a && b; }); });
    registry.add("tosa.LOGICAL_OR",
                 [](KernelContext& ctx) { logical(ctx, [](bool a, bool b) { return a || b; }); });
    registry.add("tosa.LOGICAL_XOR",
                 [](KernelContext& ctx) { logical(ctx, [](bool a, bool b) { return a != b; }); });
    registry.add("tosa.EQUAL", [](KernelContext& ctx) {
        comparison(ctx, [](auto a, auto b) { return a == b; });
    });
    registry.add("tosa.GREATER",
                 [](KernelContext& ctx) { comparison(ctx, [](auto a, auto b) { return a > b; }); });
    registry.add("tosa.GREATER_EQUAL", [](KernelContext& ctx) {
        comparison(ctx, [](auto a, auto b) { return a >= b; });
    });
    registry.add("tosa.SELECT", select);
}

} // namespace pteron::runtime::tosa
