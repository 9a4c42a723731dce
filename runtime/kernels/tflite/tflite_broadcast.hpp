// NumPy-style broadcasting of two operands, walked element by element with the innermost axis
// as a tight loop.
#pragma once

#include "runtime/kernel_context.hpp"

#include <cstdint>
#include <vector>

namespace pteron::runtime::tflite {

struct Broadcast {
    Shape output;
    std::vector<std::int64_t> strideA; // per output axis, 0 where A is broadcast
    std::vector<std::int64_t> strideB;
};

// Fails when the shapes do not broadcast.
Broadcast broadcastShapes(const KernelContext& ctx, const Shape& a, const Shape& b);

// body(outputIndex, indexA, indexB) for every output element, in order.
template <typename Body> void forEachBroadcast(const Broadcast& plan, Body&& body) {
    const std::size_t rank = plan.output.size();
    std::uint64_t total = 1;
    for (const auto d : plan.output)
        total *= static_cast<std::uint64_t>(d);
    if (total == 0) return;
    if (rank == 0) {
        body(std::int64_t{0}, std::int64_t{0}, std::int64_t{0});
        return;
    }
    const std::int64_t inner = plan.output.back();
    const std::int64_t innerA = plan.strideA.back();
    const std::int64_t innerB = plan.strideB.back();
    std::vector<std::int64_t> counter(rank, 0);
    std::int64_t baseA = 0, baseB = 0;
    for (std::int64_t out = 0; out < static_cast<std::int64_t>(total); out += inner) {
        for (std::int64_t i = 0; i < inner; ++i)
            body(out + i, baseA + i * innerA, baseB + i * innerB);
        for (std::size_t axis = rank - 1; axis-- > 0;) {
            baseA += plan.strideA[axis];
            baseB += plan.strideB[axis];
            if (++counter[axis] < plan.output[axis]) break;
            baseA -= plan.strideA[axis] * plan.output[axis];
            baseB -= plan.strideB[axis] * plan.output[axis];
            counter[axis] = 0;
        }
    }
}

} // namespace pteron::runtime::tflite
