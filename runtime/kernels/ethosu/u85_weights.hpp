// Ethos-U85 weight and scale streams back to per-output-channel weights, biases and
// requantisation: the inverse of the order Vela feeds the U85's MAC array.
#pragma once

#include "runtime/kernels/ethosu/npu_weights.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace pteron::runtime::ethosu {

// KERNEL_STRIDE's weight order bit chooses depth-first or part-kernel-first for CONV;
// DEPTHWISE has its own traversal.
enum class U85Traversal : std::uint8_t { DepthFirst, PartKernel, Depthwise };

// The figures the U85 ordering depends on. Blocks and micro-blocks come from the operation's
// block configuration (OFM_BLK_DEPTH, ACC_FORMAT's micro-block) and the accelerator size.
struct U85WeightOrdering {
    std::int64_t ofmDepth = 1, kernelHeight = 1, kernelWidth = 1, ifmDepth = 1;
    std::int64_t ofmBlockDepth = 16;
    std::int64_t ifmBlockDepth = 64;
    std::int64_t ofmUBlockDepth = 8;
    std::int64_t strideY = 1, strideX = 1, dilationY = 1, dilationX = 1;
    U85Traversal traversal = U85Traversal::DepthFirst;
    unsigned ifmBits = 8;
    unsigned macsPerCycle = 256;
    std::int64_t streams = 1; // one weight stream per core
    std::int64_t stream = 0;  // the stream this ordering describes
};

// OFM micro-block depth of micro-block code `microblock` (ACC_FORMAT bits 10:8: 1x1, 1x2, 1x4,
// 2x2, 2x4, 4x4 in height x width) on a U85 with `macsPerCycle` MACs; RuntimeError for a pair
// that configuration lacks.
std::int64_t u85OfmUBlockDepth(unsigned macsPerCycle, unsigned microblock);

// The IFM block depth Vela fixes for a non-depthwise convolution: 16 part-kernel-first, 32 for
// 32-bit IFMs or for 16-deep micro-blocks on 128 and 256 MACs, else 64.
std::int64_t u85IfmBlockDepth(U85Traversal traversal, unsigned ifmBits, unsigned macsPerCycle,
                              std::int64_t ofmUBlockDepth);

// Cores of a U85 with `macsPerCycle` MACs (one up to 256, two at 512, four above).
std::int64_t u85Cores(unsigned macsPerCycle);

// Values per block when the fast format interleaves the streams of several cores in one
// stream: micro-block OFM depth x IFM micro-block depth x kernel-element rounding / streams.
std::int64_t u85FastInterleaveBlock(const U85WeightOrdering& ordering);

// How many values the ordered stream holds (padding included); RuntimeError when the figures
// are out of range or the count passes `limit`.
std::uint64_t u85OrderedWeightCount(const U85WeightOrdering& ordering, std::uint64_t limit);

// Places decoded stream values at their OHWI positions (ifm depth 1 for depthwise); channels
// another stream carries stay zero. RuntimeError when the stream is shorter than the order.
ChannelWeights unorderU85Weights(std::span<const std::int16_t> stream,
                                 const U85WeightOrdering& ordering);

// U85 10-byte records, one per output channel in natural order. A 32-bit accumulator record is
// bias int32, multiplier 31-bit, shift 6-bit; a 48-bit one is bias int48, multiplier 15-bit,
// shift 6-bit.
std::vector<ChannelScale> decodeU85Scales(std::span<const std::uint8_t> bytes,
                                          std::int64_t channels, bool accumulator48);

} // namespace pteron::runtime::ethosu
