// TOSA elementwise unary operators: ABS, BITWISE_NOT, CEIL, CLZ, COS, EXP, FLOOR, LOG,
// LOGICAL_NOT, NEGATE (with zero points), RECIPROCAL, RSQRT and SIN.
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_scaling.hpp"
#include "runtime/kernels/tosa/tosa_unary.hpp"

#include <bit>
#include <cmath>

namespace pteron::runtime::tosa {

namespace {

template <typename F> void floatOnly(KernelContext& ctx, const F& f) {
    if (!isTosaFloat(ctx.input(0).dtype()))
        ctx.fail("takes floating point, given " + ctx.input(0).typeText());
    floatUnary(ctx, f);
}

// Runs f over the integer type of the input, which must be one of `allowed`.
template <typename F>
void integerOnly(KernelContext& ctx, std::initializer_list<DType> allowed, const F& f) {
    const auto type = ctx.input(0).dtype();
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
        ctx.fail("does not take " + ctx.input(0).typeText());
    withIntegerType(ctx, type,
                    [&]<typename T>() { integerUnary<T>(ctx, f.template operator()<T>()); });
}

void absolute(KernelContext& ctx) {
    if (isTosaFloat(ctx.input(0).dtype()))
        return floatUnary(ctx, [](float x) { return std::fabs(x); });
    integerOnly(ctx, {DType::Int8, DType::Int16, DType::Int32}, []<typename T>() {
        // The most negative value stays itself, as two's complement negation gives.
        return [](T x) {
            return x < 0 ? static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x)) : x;
        };
    });
}

void bitwiseNot(KernelContext& ctx) {
    integerOnly(ctx, {DType::Int8, DType::Int16, DType::Int32},
                []<typename T>() { return [](T x) { return static_cast<T>(~x); }; });
}

void countLeadingZeros(KernelContext& ctx) {
    integerOnly(ctx, {DType::Int32}, []<typename T>() {
        return [](T x) { return static_cast<T>(std::countl_zero(static_cast<std::uint32_t>(x))); };
    });
}

void logicalNot(KernelContext& ctx) {
    integerOnly(ctx, {DType::Bool},
                []<typename T>() { return [](T x) { return static_cast<T>(x == 0 ? 1 : 0); }; });
}

// NEGATE: out = clamp(-(in - input_zp) + output_zp) to the type's range.
void negate(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto inputZp = zeroPoint(ctx, 1, "input1_zp");
    const auto outputZp = zeroPoint(ctx, 2, "output_zp");
    if (isTosaFloat(input.dtype())) {
        if (inputZp != 0 || outputZp != 0) ctx.fail("floating-point zero points must be 0");
        return floatUnary(ctx, [](float x) { return -x; });
    }
    if (input.dtype() != DType::Int8 && (inputZp != 0 || outputZp != 0))
        ctx.fail("zero points must be 0 for " + input.typeText());
    if (inputZp < -128 || inputZp > 127 || outputZp < -128 || outputZp > 127)
        ctx.fail("zero points must be int8 values");
    integerOnly(ctx, {DType::Int8, DType::Int16, DType::Int32}, [&]<typename T>() {
        return [=](T x) {
            return saturateTo<T>(-(static_cast<std::int64_t>(x) - inputZp) + outputZp);
        };
    });
}

} // namespace

void addElementwiseUnaryKernels(KernelRegistry& registry) {
    registry.add("tosa.ABS", absolute);
    registry.add("tosa.BITWISE_NOT", bitwiseNot);
    registry.add("tosa.CLZ", countLeadingZeros);
    registry.add("tosa.LOGICAL_NOT", logicalNot);
    registry.add("tosa.NEGATE", negate);
    registry.add("tosa.CEIL",
                 [](KernelContext& ctx) { floatOnly(ctx, [](float x) { return std::ceil(x); }); });
    registry.add("tosa.FLOOR",
                 [](KernelContext& ctx) { floatOnly(ctx, [](float x) { return std::floor(x); }); });
    registry.add("tosa.COS",
                 [](KernelContext& ctx) { floatOnly(ctx, [](float x) { return std::cos(x); }); });
    registry.add("tosa.SIN",
                 [](KernelContext& ctx) { floatOnly(ctx, [](float x) { return std::sin(x); }); });
    registry.add("tosa.EXP",
                 [](KernelContext& ctx) { floatOnly(ctx, [](float x) { return std::exp(x); }); });
    registry.add("tosa.LOG",
                 [](KernelContext& ctx) { floatOnly(ctx, [](float x) { return std::log(x); }); });
    registry.add("tosa.RECIPROCAL",
                 [](KernelContext& ctx) { floatOnly(ctx, [](float x) { return 1.0f / x; }); });
    registry.add("tosa.RSQRT", [](KernelContext& ctx) {
        floatOnly(ctx, [](float x) { return 1.0f / std::sqrt(x); });
    });
}

} // namespace pteron::runtime::tosa
