// NumPy/PyTorch broadcasting: the common shape of operands and a walk over it that yields each
// operand's element index.
#pragma once

#include "runtime/tensor.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace pteron::runtime::aten {

// The broadcast shape of `a` and `b`; throws RuntimeError when they do not broadcast.
Shape broadcastShapes(const Shape& a, const Shape& b);
// Element strides of a contiguous tensor of shape `input` read as `output` (0 where broadcast).
std::vector<std::int64_t> broadcastStrides(const Shape& input, const Shape& output);

// Calls body(outputIndex, index0, index1, …) for every element of `output`, where indexK is the
// element of operand K (contiguous, shape broadcastable to `output`). Runs [begin, end) of the
// output's elements so callers can split the work.
template <std::size_t N, typename Body>
void forEachBroadcast(const Shape& output, const std::array<const Shape*, N>& inputs,
                      std::int64_t begin, std::int64_t end, Body&& body) {
    const auto rank = output.size();
    std::array<std::vector<std::int64_t>, N> strides;
    for (std::size_t k = 0; k < N; ++k)
        strides[k] = broadcastStrides(*inputs[k], output);
    std::vector<std::int64_t> counter(rank, 0);
    std::array<std::int64_t, N> index{};
    // Position the counters at `begin`.
    std::int64_t rest = begin;
    for (std::size_t d = rank; d-- > 0;) {
        counter[d] = output[d] ? rest % output[d] : 0;
        rest = output[d] ? rest / output[d] : 0;
        for (std::size_t k = 0; k < N; ++k)
            index[k] += counter[d] * strides[k][d];
    }
    for (std::int64_t o = begin; o < end; ++o) {
        body(o, index);
        for (std::size_t d = rank; d-- > 0;) {
            for (std::size_t k = 0; k < N; ++k)
                index[k] += strides[k][d];
            if (++counter[d] < output[d]) break;
            for (std::size_t k = 0; k < N; ++k)
                index[k] -= strides[k][d] * output[d];
            counter[d] = 0;
        }
    }
}

} // namespace pteron::runtime::aten
