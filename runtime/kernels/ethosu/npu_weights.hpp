// Ethos-U55/U65 weight and scale streams back to per-output-channel weights, biases and
// requantisation: the inverse of the order Vela feeds the NPU's MAC units.
#pragma once

#include "runtime/runtime_error.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pteron::runtime::ethosu {

// The traversal the weights were ordered in, from the operation and the accelerator.
struct WeightOrdering {
    std::int64_t ofmDepth = 1, kernelHeight = 1, kernelWidth = 1, ifmDepth = 1;
    std::int64_t ofmBlockDepth = 8;  // OFM_BLK_DEPTH_M1 + 1
    std::int64_t ofmUBlockDepth = 8; // 4 on U55-32, else 8
    std::int64_t ifmUBlockDepth = 8;
    std::int64_t dilationY = 1, dilationX = 1;
    bool depthwise = false;
    bool partKernelFirst = false;
    unsigned ifmBits = 8;
};

// Weights in OHWI order ([ofm][ky][kx][ifm]; ifm is 1 for depthwise), zero point removed.
struct ChannelWeights {
    std::int64_t ofmDepth = 0, height = 0, width = 0, ifmDepth = 0;
    std::vector<std::int16_t> values;
    std::int16_t at(std::int64_t o, std::int64_t y, std::int64_t x, std::int64_t i) const {
        return values[static_cast<std::size_t>(((o * height + y) * width + x) * ifmDepth + i)];
    }
};

// Fills `weights` (its dimensions set) from a decoded stream in the order `walk` visits the
// positions: walk(visit) calls visit(o, y, x, i, inside) once per stream value, and values at
// positions outside the kernel (padding) are read and dropped. RuntimeError naming `streamName`
// when the stream runs out first.
template <typename Walk>
ChannelWeights placeOrderedValues(std::span<const std::int16_t> stream, ChannelWeights weights,
                                  Walk&& walk, const std::string& streamName) {
    weights.values.assign(static_cast<std::size_t>(weights.ofmDepth * weights.height *
                                                   weights.width * weights.ifmDepth),
                          0);
    std::size_t next = 0;
    bool shortStream = false;
    walk([&](std::int64_t o, std::int64_t y, std::int64_t x, std::int64_t i, bool inside) {
        if (next >= stream.size()) {
            shortStream = true;
            return;
        }
        const auto value = stream[next++];
        if (!inside) return;
        weights.values[static_cast<std::size_t>(
            ((o * weights.height + y) * weights.width + x) * weights.ifmDepth + i)] = value;
    });
    if (shortStream)
        throw RuntimeError(streamName + " holds " + std::to_string(stream.size()) +
                           " values, fewer than its ordering needs");
    return weights;
}

// How many values the ordered stream holds for `ordering` (padding included); RuntimeError
// when the figures are out of range or the count passes `limit`.
std::uint64_t orderedWeightCount(const WeightOrdering& ordering, std::uint64_t limit);

// Places the decoded stream values at their OHWI positions; RuntimeError when the stream holds
// fewer values than the ordering needs.
ChannelWeights unorderWeights(std::span<const std::int16_t> stream, const WeightOrdering& ordering);

// One output channel's bias and requantisation as the scale stream holds them.
struct ChannelScale {
    std::int64_t bias = 0;
    std::int64_t multiplier = 0;
    std::int64_t shift = 0;
};

// U55/U65 10-byte records: 40-bit signed bias, 32-bit multiplier, 6-bit shift.
std::vector<ChannelScale> decodeU55Scales(std::span<const std::uint8_t> bytes,
                                          std::int64_t channels);

} // namespace pteron::runtime::ethosu
