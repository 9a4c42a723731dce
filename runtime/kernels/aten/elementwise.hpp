// The loops every elementwise aten kernel shares: operands converted to the arithmetic type,
// broadcast, split over threads, and the result stored as the out tensor's type.
#pragma once

#include "runtime/kernel_context.hpp"
#include "runtime/kernels/aten/broadcast.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/aten/type_promotion.hpp"

#include <array>
#include <vector>

namespace pteron::runtime::aten {

// Below this many elements a loop runs on the calling thread only.
inline constexpr std::int64_t kParallelGrain = 1 << 15;

// Calls body(begin, end) over [0, count), on worker threads when the work is large.
template <typename Body>
void parallelRange(const KernelContext& ctx, std::int64_t count, Body&& body) {
    if (count < kParallelGrain) {
        body(std::int64_t{0}, count);
        return;
    }
    ctx.pool().parallelFor(count, body);
}

// Calls body.template operator()<T>() with the arithmetic type of compute type `dtype`:
// float, double or int64 (all integer types and bool).
template <typename Body> decltype(auto) visitComputeType(DType dtype, Body&& body) {
    switch (dtype) {
    case DType::Float32:
    case DType::Float16:
    case DType::BFloat16:
        return body.template operator()<float>();
    case DType::Float64:
        return body.template operator()<double>();
    default:
        return body.template operator()<std::int64_t>();
    }
}

// The tensor element type of arithmetic type T (float, double or int64).
template <typename T> constexpr DType arithmeticType() {
    if constexpr (std::is_same_v<T, float>)
        return DType::Float32;
    else if constexpr (std::is_same_v<T, double>)
        return DType::Float64;
    else
        return DType::Int64;
}

// A 0-d tensor of `dtype` holding a Scalar argument.
Tensor scalarTensor(const AttributeValue& scalar, DType dtype);

// result[i] = op(a[i'], b[i'']) with broadcasting; T is the arithmetic type, R the element
// type of the result (T or bool).
template <typename R, typename T, typename Op>
Tensor binaryMap(const KernelContext& ctx, const Tensor& a, const Tensor& b, DType resultType,
                 Op op) {
    const auto shape = broadcastShapes(a.shape(), b.shape());
    const auto x = elementsAs<T>(a);
    const auto y = elementsAs<T>(b);
    std::vector<R> result(static_cast<std::size_t>(elementCountOf(shape)));
    const auto count = static_cast<std::int64_t>(result.size());
    if (a.shape() == shape && b.shape() == shape) {
        parallelRange(ctx, count, [&](std::int64_t begin, std::int64_t end) {
            for (auto i = begin; i < end; ++i)
                result[static_cast<std::size_t>(i)] =
                    op(x[static_cast<std::size_t>(i)], y[static_cast<std::size_t>(i)]);
        });
    } else {
        const std::array<const Shape*, 2> inputs{&a.shape(), &b.shape()};
        parallelRange(ctx, count, [&](std::int64_t begin, std::int64_t end) {
            forEachBroadcast<2>(shape, inputs, begin, end, [&](std::int64_t o, const auto& at) {
                result[static_cast<std::size_t>(o)] =
                    op(x[static_cast<std::size_t>(at[0])], y[static_cast<std::size_t>(at[1])]);
            });
        });
    }
    return tensorFrom<R>(resultType, shape, result);
}

// result[i] = op(a[i]) in arithmetic type T.
template <typename R, typename T, typename Op>
Tensor unaryMap(const KernelContext& ctx, const Tensor& a, DType resultType, Op op) {
    const auto x = elementsAs<T>(a);
    std::vector<R> result(x.size());
    parallelRange(ctx, static_cast<std::int64_t>(x.size()),
                  [&](std::int64_t begin, std::int64_t end) {
                      for (auto i = begin; i < end; ++i)
                          result[static_cast<std::size_t>(i)] = op(x[static_cast<std::size_t>(i)]);
                  });
    return tensorFrom<R>(resultType, a.shape(), result);
}

} // namespace pteron::runtime::aten
