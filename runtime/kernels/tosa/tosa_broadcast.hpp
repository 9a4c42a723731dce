// Elementwise iteration with TOSA broadcasting (a dimension of 1 stretches to the other
// operand's), split into contiguous innermost runs so the inner loops vectorise.
#pragma once

#include "runtime/kernel_context.hpp"

#include <array>
#include <cstdint>

namespace pteron::runtime::tosa {

// The broadcast result of shapes (aligned at their last dimension); fails when they disagree.
Shape broadcastShape(const KernelContext& ctx, const std::vector<const Shape*>& shapes);

// Element strides of `shape` inside a broadcast to `out` (0 along stretched dimensions).
std::vector<std::int64_t> broadcastStrides(const Shape& shape, const Shape& out);

// Below this many elements an operator runs on the calling thread only.
inline constexpr std::int64_t kParallelElements = 1 << 15;

// Calls run(outOffset, offsets, length, innerStrides) for each innermost row of `out`, where
// offsets[i] is the element offset of operand i at the row's start and innerStrides[i] is 0 or 1.
template <std::size_t N, typename Run>
void broadcastRuns(const KernelContext& ctx, const Shape& out,
                   const std::array<const Shape*, N>& operands, const Run& run) {
    const auto rank = out.size();
    const std::int64_t inner = rank == 0 ? 1 : out.back();
    std::int64_t total = 1;
    for (const auto dim : out)
        total *= dim;
    if (total == 0) return;
    const auto outer = total / inner;
    std::array<std::vector<std::int64_t>, N> strides;
    std::array<std::int64_t, N> innerStrides{};
    for (std::size_t i = 0; i < N; ++i) {
        strides[i] = broadcastStrides(*operands[i], out);
        innerStrides[i] = rank == 0 ? 0 : strides[i].back();
    }
    const auto rows = [&](std::int64_t begin, std::int64_t end) {
        std::array<std::int64_t, N> offsets{};
        for (std::int64_t row = begin; row < end; ++row) {
            offsets.fill(0);
            auto rest = row;
            for (std::size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
                const auto index = rest % out[d];
                rest /= out[d];
                for (std::size_t i = 0; i < N; ++i)
                    offsets[i] += index * strides[i][d];
            }
            run(row * inner, offsets, inner, innerStrides);
        }
    };
    if (total < kParallelElements)
        rows(0, outer);
    else
        ctx.pool().parallelFor(outer, rows);
}

// out[i] = f(a[i], b[i]) under broadcasting, with the inner loop specialised for contiguous and
// stretched operands.
template <typename A, typename B, typename Out, typename F>
void broadcastBinary(const KernelContext& ctx, const A* a, const Shape& aShape, const B* b,
                     const Shape& bShape, Out* out, const Shape& outShape, const F& f) {
    broadcastRuns<2>(ctx, outShape, {&aShape, &bShape},
                     [&](std::int64_t at, const std::array<std::int64_t, 2>& offsets,
                         std::int64_t length, const std::array<std::int64_t, 2>& inner) {
                         const A* x = a + offsets[0];
                         const B* y = b + offsets[1];
                         Out* o = out + at;
                         if (inner[0] == 1 && inner[1] == 1) {
                             for (std::int64_t i = 0; i < length; ++i)
                                 o[i] = f(x[i], y[i]);
                         } else if (inner[0] == 1) {
                             const B value = y[0];
                             for (std::int64_t i = 0; i < length; ++i)
                                 o[i] = f(x[i], value);
                         } else if (inner[1] == 1) {
                             const A value = x[0];
                             for (std::int64_t i = 0; i < length; ++i)
                                 o[i] = f(value, y[i]);
                         } else {
                             const auto value = f(x[0], y[0]);
                             for (std::int64_t i = 0; i < length; ++i)
                                 o[i] = value;
                         }
                     });
}

} // namespace pteron::runtime::tosa
