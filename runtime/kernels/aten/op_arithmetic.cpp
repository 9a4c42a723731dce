// Binary arithmetic: add, sub, mul, div (with rounding modes), rsub, remainder, fmod, pow,
// maximum, minimum, atan2, floor_divide and the bitwise and logical operators.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/binary_operands.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace pteron::runtime::aten {

namespace {

using Operands = BinaryOperands (*)(const KernelContext&, std::size_t, std::size_t);

// Runs op (made for arithmetic type T by `make`) over both operands in compute type `compute`.
template <typename Make>
void compute(KernelContext& ctx, const BinaryOperands& operands, DType compute, Make make) {
    const auto out = outputType(ctx, 0, operands.common);
    auto result = visitComputeType(compute, [&]<typename T>() {
        return binaryMap<T, T>(ctx, operands.a, operands.b, out, make.template operator()<T>());
    });
    setResult(ctx, 0, std::move(result));
}

template <typename T> T scaled(T alpha, T y) {
    if constexpr (std::is_integral_v<T>)
        return wrappingMul(alpha, y);
    else
        return alpha * y;
}

template <typename T> T alphaOf(const KernelContext& ctx, std::size_t index) {
    if (!hasArgument(ctx, index)) return T{1};
    if constexpr (std::is_integral_v<T>)
        return intArgument(ctx, index);
    else
        return static_cast<T>(doubleArgument(ctx, index));
}

void addOrSub(KernelContext& ctx, const BinaryOperands& operands, std::size_t alphaIndex,
              bool subtract, bool reversed) {
    compute(ctx, operands, computeTypeOf(operands.common), [&]<typename T>() {
        const T alpha = alphaOf<T>(ctx, alphaIndex);
        return [alpha, subtract, reversed](T x, T y) -> T {
            if (reversed) std::swap(x, y); // rsub: other - alpha * self
            const T term = scaled(alpha, y);
            const T base = x;
            if constexpr (std::is_integral_v<T>)
                return subtract ? wrappingSub(base, term) : wrappingAdd(base, term);
            else
                return subtract ? base - term : base + term;
        };
    });
}

[[noreturn]] void divisionByZero(const KernelContext& ctx) {
    ctx.fail("integer division by zero");
}

template <typename T> T floorDivide(const KernelContext& ctx, T x, T y) {
    if constexpr (std::is_integral_v<T>) {
        if (y == 0) divisionByZero(ctx);
        if (x == std::numeric_limits<T>::min() && y == -1) return x;
        T quotient = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --quotient;
        return quotient;
    } else {
        if (y == 0) return x / y;
        const T mod = std::fmod(x, y);
        T div = (x - mod) / y;
        if (mod != 0 && ((y < 0) != (mod < 0))) div -= 1;
        if (div == 0) return std::copysign(T{0}, x / y);
        T floored = std::floor(div);
        if (div - floored > T{0.5}) floored += 1;
        return floored;
    }
}

template <typename T> T truncDivide(const KernelContext& ctx, T x, T y) {
    if constexpr (std::is_integral_v<T>) {
        if (y == 0) divisionByZero(ctx);
        if (x == std::numeric_limits<T>::min() && y == -1) return x;
        return x / y;
    } else {
        return std::trunc(x / y);
    }
}

void divide(KernelContext& ctx, const BinaryOperands& operands, std::size_t modeIndex) {
    std::string mode;
    if (hasArgument(ctx, modeIndex))
        if (const auto argumentValue = scalarArgument(ctx, modeIndex);
            const auto* text = std::get_if<std::string>(&argumentValue))
            mode = *text;
    if (mode.empty()) {
        // True division computes in floating point even for integers.
        const auto type =
            isFloatType(operands.common) ? computeTypeOf(operands.common) : DType::Float32;
        BinaryOperands floating = operands;
        floating.common = isFloatType(operands.common) ? operands.common : DType::Float32;
        if (!isFloatType(operands.common)) {
            // Integers go to floating point as they are, not through their common type.
            floating.a = operands.givenA;
            floating.b = operands.givenB;
        }
        compute(ctx, floating, type,
                []<typename T>() { return [](T x, T y) -> T { return x / y; }; });
        return;
    }
    if (mode != "trunc" && mode != "floor") ctx.fail("unknown rounding mode '" + mode + "'");
    const bool floor = mode == "floor";
    compute(ctx, operands, computeTypeOf(operands.common), [&]<typename T>() {
        return [&ctx, floor](T x, T y) -> T {
            return floor ? floorDivide(ctx, x, y) : truncDivide(ctx, x, y);
        };
    });
}

template <typename T> T pythonRemainder(const KernelContext& ctx, T x, T y) {
    if constexpr (std::is_integral_v<T>) {
        if (y == 0) divisionByZero(ctx);
        if (y == -1) return 0;
        T mod = x % y;
        if (mod != 0 && ((y < 0) != (mod < 0))) mod += y;
        return mod;
    } else {
        T mod = std::fmod(x, y);
        if (mod != 0 && ((y < 0) != (mod < 0))) mod += y;
        return mod;
    }
}

template <typename T> T cRemainder(const KernelContext& ctx, T x, T y) {
    if constexpr (std::is_integral_v<T>) {
        if (y == 0) divisionByZero(ctx);
        if (y == -1) return 0;
        return x % y;
    } else {
        return std::fmod(x, y);
    }
}

template <typename T> T power(const KernelContext& ctx, T base, T exponent) {
    if constexpr (std::is_integral_v<T>) {
        if (exponent < 0) {
            if (base == 1) return 1;
            if (base == -1) return (exponent % 2 == 0) ? 1 : -1;
            ctx.fail("integers to negative integer powers are not allowed");
        }
        T result = 1;
        while (exponent > 0) {
            if (exponent & 1) result = wrappingMul(result, base);
            base = wrappingMul(base, base);
            exponent >>= 1;
        }
        return result;
    } else {
        return std::pow(base, exponent);
    }
}

template <typename T> T extreme(T x, T y, bool maximum) {
    if constexpr (std::is_floating_point_v<T>)
        if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<T>::quiet_NaN();
    return maximum ? (x > y ? x : y) : (x < y ? x : y);
}

void requireIntegral(const KernelContext& ctx, const BinaryOperands& operands) {
    if (!isIntegralType(operands.common, true))
        ctx.fail("bitwise operators need integer or bool operands, given " +
                 std::string(dtypeName(operands.common)));
}

enum class Bitwise { And, Or, Xor };

void bitwise(KernelContext& ctx, const BinaryOperands& operands, Bitwise kind) {
    requireIntegral(ctx, operands);
    compute(ctx, operands, DType::Int64, [&]<typename T>() {
        return [kind](T x, T y) -> T {
            if constexpr (std::is_integral_v<T>) {
                if (kind == Bitwise::And) return x & y;
                if (kind == Bitwise::Or) return x | y;
                return x ^ y;
            } else {
                return x;
            }
        };
    });
}

void logical(KernelContext& ctx, const BinaryOperands& operands, Bitwise kind) {
    const auto out = outputType(ctx, 0, DType::Bool);
    auto result = visitComputeType(computeTypeOf(operands.common), [&]<typename T>() {
        return binaryMap<BoolByte, T>(ctx, operands.a, operands.b, out, [kind](T x, T y) {
            const bool p = x != T{0};
            const bool q = y != T{0};
            const bool r = kind == Bitwise::And  ? (p && q)
                           : kind == Bitwise::Or ? (p || q)
                                                 : (p != q);
            return BoolByte{static_cast<std::uint8_t>(r)};
        });
    });
    setResult(ctx, 0, std::move(result));
}

template <typename Make>
void registerBoth(KernelRegistry& registry, const std::string& name,
                  const std::string& tensorOverload, const std::string& scalarOverload, Make make) {
    registry.add(name + "." + tensorOverload,
                 [make](KernelContext& ctx) { make(ctx, tensorOperands(ctx, 0, 1)); });
    registry.add(name + "." + scalarOverload,
                 [make](KernelContext& ctx) { make(ctx, scalarOperand(ctx, 0, 1)); });
}

} // namespace

void addBinaryKernels(KernelRegistry& registry) {
    registerBoth(
        registry, "aten::add", "out", "Scalar_out",
        [](KernelContext& ctx, const BinaryOperands& ops) { addOrSub(ctx, ops, 2, false, false); });
    registerBoth(
        registry, "aten::sub", "out", "Scalar_out",
        [](KernelContext& ctx, const BinaryOperands& ops) { addOrSub(ctx, ops, 2, true, false); });
    registry.add("aten::rsub.Scalar_out", [](KernelContext& ctx) {
        addOrSub(ctx, scalarOperand(ctx, 0, 1), 2, true, true);
    });
    registerBoth(registry, "aten::mul", "out", "Scalar_out",
                 [](KernelContext& ctx, const BinaryOperands& ops) {
                     compute(ctx, ops, computeTypeOf(ops.common), []<typename T>() {
                         return [](T x, T y) -> T {
                             if constexpr (std::is_integral_v<T>)
                                 return wrappingMul(x, y);
                             else
                                 return x * y;
                         };
                     });
                 });
    registerBoth(registry, "aten::div", "out", "Scalar_out",
                 [](KernelContext& ctx, const BinaryOperands& ops) { divide(ctx, ops, 99); });
    registerBoth(registry, "aten::div", "out_mode", "Scalar_mode_out",
                 [](KernelContext& ctx, const BinaryOperands& ops) { divide(ctx, ops, 2); });
    registry.add("aten::floor_divide.out", [](KernelContext& ctx) {
        const auto ops = tensorOperands(ctx, 0, 1);
        compute(ctx, ops, computeTypeOf(ops.common), [&]<typename T>() {
            return [&ctx](T x, T y) -> T { return floorDivide(ctx, x, y); };
        });
    });
    registerBoth(registry, "aten::remainder", "Tensor_out", "Scalar_out",
                 [](KernelContext& ctx, const BinaryOperands& ops) {
                     compute(ctx, ops, computeTypeOf(ops.common), [&]<typename T>() {
                         return [&ctx](T x, T y) -> T { return pythonRemainder(ctx, x, y); };
                     });
                 });
    registerBoth(registry, "aten::fmod", "Tensor_out", "Scalar_out",
                 [](KernelContext& ctx, const BinaryOperands& ops) {
                     compute(ctx, ops, computeTypeOf(ops.common), [&]<typename T>() {
                         return [&ctx](T x, T y) -> T { return cRemainder(ctx, x, y); };
                     });
                 });
    const auto pow = [](KernelContext& ctx, const BinaryOperands& ops) {
        compute(ctx, ops, computeTypeOf(ops.common),
                [&]<typename T>() { return [&ctx](T x, T y) -> T { return power(ctx, x, y); }; });
    };
    registerBoth(registry, "aten::pow", "Tensor_Tensor_out", "Tensor_Scalar_out", pow);
    registry.add("aten::pow.Scalar_out",
                 [pow](KernelContext& ctx) { pow(ctx, scalarSelf(ctx, 0, 1)); });
    for (const bool maximum : {true, false}) {
        registry.add(maximum ? "aten::maximum.out" : "aten::minimum.out",
                     [maximum](KernelContext& ctx) {
                         const auto ops = tensorOperands(ctx, 0, 1);
                         compute(ctx, ops, computeTypeOf(ops.common), [&]<typename T>() {
                             return [maximum](T x, T y) -> T { return extreme(x, y, maximum); };
                         });
                     });
    }
    registry.add("aten::atan2.out", [](KernelContext& ctx) {
        auto ops = tensorOperands(ctx, 0, 1);
        const auto type = isFloatType(ops.common) ? computeTypeOf(ops.common) : DType::Float32;
        if (!isFloatType(ops.common)) ops.common = DType::Float32;
        compute(ctx, ops, type, []<typename T>() {
            return [](T x, T y) -> T {
                if constexpr (std::is_floating_point_v<T>)
                    return std::atan2(x, y);
                else
                    return x;
            };
        });
    });
    const std::pair<const char*, Bitwise> kinds[] = {
        {"and", Bitwise::And}, {"or", Bitwise::Or}, {"xor", Bitwise::Xor}};
    for (const auto& [name, kind] : kinds) {
        const auto k = kind;
        registerBoth(registry, std::string("aten::bitwise_") + name, "Tensor_out", "Scalar_out",
                     [k](KernelContext& ctx, const BinaryOperands& ops) { bitwise(ctx, ops, k); });
        registry.add(std::string("aten::logical_") + name + ".out",
                     [k](KernelContext& ctx) { logical(ctx, tensorOperands(ctx, 0, 1), k); });
    }
}

} // namespace pteron::runtime::aten
