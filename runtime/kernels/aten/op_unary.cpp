// Unary math: exp, log, sqrt, trigonometric and hyperbolic functions, erf, sigmoid, rounding,
// abs, neg, sign, reciprocal, isnan/isinf and the logical and bitwise not.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/binary_operands.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace pteron::runtime::aten {

namespace {

// Floating functions of integer inputs compute (and return) fp32, as PyTorch does.
DType floatingComputeType(DType input) {
    return isFloatType(input) ? computeTypeOf(input) : DType::Float32;
}

template <typename Fn> void floatUnary(KernelRegistry& registry, const std::string& name, Fn fn) {
    registry.add("aten::" + name + ".out", [fn](KernelContext& ctx) {
        const auto input = contiguousInput(ctx, 0);
        const auto compute = floatingComputeType(input.dtype());
        const auto out =
            outputType(ctx, 0, isFloatType(input.dtype()) ? input.dtype() : DType::Float32);
        auto result = visitComputeType(compute, [&]<typename T>() {
            if constexpr (std::is_floating_point_v<T>)
                return unaryMap<T, T>(ctx, input, out, [fn](T x) -> T { return fn(x); });
            else
                return Tensor();
        });
        setResult(ctx, 0, std::move(result));
    });
}

// An operator that keeps integer inputs integer (abs, neg, floor, …).
template <typename Fn>
void sameTypeUnary(KernelRegistry& registry, const std::string& name, Fn fn) {
    registry.add("aten::" + name + ".out", [fn](KernelContext& ctx) {
        const auto input = contiguousInput(ctx, 0);
        const auto out = outputType(ctx, 0, input.dtype());
        auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
            return unaryMap<T, T>(ctx, input, out, [fn](T x) -> T { return fn(x); });
        });
        setResult(ctx, 0, std::move(result));
    });
}

template <typename Fn>
void predicateUnary(KernelRegistry& registry, const std::string& name, Fn fn) {
    registry.add("aten::" + name + ".out", [fn](KernelContext& ctx) {
        const auto input = contiguousInput(ctx, 0);
        const auto out = outputType(ctx, 0, DType::Bool);
        auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
            return unaryMap<BoolByte, T>(
                ctx, input, out, [fn](T x) { return BoolByte{static_cast<std::uint8_t>(fn(x))}; });
        });
        setResult(ctx, 0, std::move(result));
    });
}

template <typename T> T negate(T x) {
    if constexpr (std::is_integral_v<T>)
        return wrappingNegate(x);
    else
        return -x;
}

} // namespace

void addUnaryKernels(KernelRegistry& registry) {
    floatUnary(registry, "exp", [](auto x) { return std::exp(x); });
    floatUnary(registry, "expm1", [](auto x) { return std::expm1(x); });
    floatUnary(registry, "log", [](auto x) { return std::log(x); });
    floatUnary(registry, "log1p", [](auto x) { return std::log1p(x); });
    floatUnary(registry, "log2", [](auto x) { return std::log2(x); });
    floatUnary(registry, "log10", [](auto x) { return std::log10(x); });
    floatUnary(registry, "sqrt", [](auto x) { return std::sqrt(x); });
    floatUnary(registry, "rsqrt", [](auto x) { return decltype(x){1} / std::sqrt(x); });
    floatUnary(registry, "sin", [](auto x) { return std::sin(x); });
    floatUnary(registry, "cos", [](auto x) { return std::cos(x); });
    floatUnary(registry, "tan", [](auto x) { return std::tan(x); });
    floatUnary(registry, "asin", [](auto x) { return std::asin(x); });
    floatUnary(registry, "acos", [](auto x) { return std::acos(x); });
    floatUnary(registry, "atan", [](auto x) { return std::atan(x); });
    floatUnary(registry, "sinh", [](auto x) { return std::sinh(x); });
    floatUnary(registry, "cosh", [](auto x) { return std::cosh(x); });
    floatUnary(registry, "tanh", [](auto x) { return std::tanh(x); });
    floatUnary(registry, "asinh", [](auto x) { return std::asinh(x); });
    floatUnary(registry, "acosh", [](auto x) { return std::acosh(x); });
    floatUnary(registry, "atanh", [](auto x) { return std::atanh(x); });
    floatUnary(registry, "erf", [](auto x) { return std::erf(x); });
    floatUnary(registry, "reciprocal", [](auto x) { return decltype(x){1} / x; });
    floatUnary(registry, "sigmoid",
               [](auto x) { return decltype(x){1} / (decltype(x){1} + std::exp(-x)); });
    sameTypeUnary(registry, "abs", [](auto x) {
        if constexpr (std::is_integral_v<decltype(x)>)
            return x < 0 ? negate(x) : x;
        else
            return std::fabs(x);
    });
    sameTypeUnary(registry, "neg", [](auto x) { return negate(x); });
    sameTypeUnary(registry, "sign", [](auto x) {
        using T = decltype(x);
        if constexpr (std::is_floating_point_v<T>)
            if (std::isnan(x)) return x;
        return static_cast<T>((T{0} < x) - (x < T{0}));
    });
    sameTypeUnary(registry, "floor", [](auto x) {
        if constexpr (std::is_floating_point_v<decltype(x)>)
            return std::floor(x);
        else
            return x;
    });
    sameTypeUnary(registry, "ceil", [](auto x) {
        if constexpr (std::is_floating_point_v<decltype(x)>)
            return std::ceil(x);
        else
            return x;
    });
    sameTypeUnary(registry, "trunc", [](auto x) {
        if constexpr (std::is_floating_point_v<decltype(x)>)
            return std::trunc(x);
        else
            return x;
    });
    // Half-way cases round to even, as torch.round does.
    sameTypeUnary(registry, "round", [](auto x) {
        if constexpr (std::is_floating_point_v<decltype(x)>)
            return std::nearbyint(x);
        else
            return x;
    });
    sameTypeUnary(registry, "bitwise_not", [](auto x) {
        if constexpr (std::is_integral_v<decltype(x)>)
            return ~x;
        else
            return x;
    });
    predicateUnary(registry, "logical_not", [](auto x) { return x == decltype(x){0}; });
    predicateUnary(registry, "isnan", [](auto x) {
        if constexpr (std::is_floating_point_v<decltype(x)>)
            return std::isnan(x);
        else
            return false;
    });
    predicateUnary(registry, "isinf", [](auto x) {
        if constexpr (std::is_floating_point_v<decltype(x)>)
            return std::isinf(x);
        else
            return false;
    });
}

} // namespace pteron::runtime::aten
