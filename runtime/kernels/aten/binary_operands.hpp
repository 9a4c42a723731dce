// The two operands of a binary aten kernel (Tensor or Scalar `other`) and their common type.
#pragma once

#include "runtime/kernel_context.hpp"

namespace pteron::runtime::aten {

struct BinaryOperands {
    Tensor a; // converted to `common`
    Tensor b;
    // As given, for operators that convert each operand straight to floating point (true
    // division).
    Tensor givenA;
    Tensor givenB;
    DType common = DType::Unknown;
};

// torch.result_type of two tensors: 0-d tensors rank below dimensioned ones.
DType resultTypeOf(const Tensor& a, const Tensor& b);
// self and other are tensors at operands `first` and `second`.
BinaryOperands tensorOperands(const KernelContext& ctx, std::size_t first, std::size_t second);
// self is a tensor at `first`, other a Scalar at `second`.
BinaryOperands scalarOperand(const KernelContext& ctx, std::size_t first, std::size_t second);
// self is a Scalar at `first`, other a tensor at `second`.
BinaryOperands scalarSelf(const KernelContext& ctx, std::size_t first, std::size_t second);

// Integer arithmetic that wraps like two's complement hardware instead of overflowing.
inline std::int64_t wrappingAdd(std::int64_t x, std::int64_t y) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(y));
}
inline std::int64_t wrappingSub(std::int64_t x, std::int64_t y) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(y));
}
inline std::int64_t wrappingMul(std::int64_t x, std::int64_t y) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(x) * static_cast<std::uint64_t>(y));
}

inline std::int64_t wrappingNegate(std::int64_t x) {
    return static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(x));
}

} // namespace pteron::runtime::aten
