#include "runtime/kernels/ethosu/u85_weights.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <string>

namespace pteron::runtime::ethosu {
namespace {

// Output channels are fed in groups of four; with several streams, stream s takes groups
// s, s + streams, ... of every micro-block.
constexpr std::int64_t kInterleaveDepth = 4;

std::int64_t roundUp(std::int64_t value, std::int64_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

void checkOrdering(const U85WeightOrdering& o) {
    const auto inRange = [](std::int64_t v, std::int64_t high) { return v >= 1 && v <= high; };
    const bool ok = inRange(o.ofmDepth, 65536) && inRange(o.kernelHeight, 256) &&
                    inRange(o.kernelWidth, 256) && inRange(o.ifmDepth, 65536) &&
                    inRange(o.ofmBlockDepth, 65536) && inRange(o.ifmBlockDepth, 1024) &&
                    inRange(o.ofmUBlockDepth, 64) && inRange(o.strideY, 3) &&
                    inRange(o.strideX, 3) && inRange(o.dilationY, 2) && inRange(o.dilationX, 2) &&
                    inRange(o.streams, 4) && o.stream >= 0 && o.stream < o.streams &&
                    o.ofmUBlockDepth % kInterleaveDepth == 0 &&
                    (o.ifmBits == 8 || o.ifmBits == 16 || o.ifmBits == 32);
    if (!ok)
        throw RuntimeError("Ethos-U85 weight ordering out of range: OFM depth " +
                           std::to_string(o.ofmDepth) + ", kernel " +
                           std::to_string(o.kernelHeight) + "x" + std::to_string(o.kernelWidth) +
                           ", IFM depth " + std::to_string(o.ifmDepth) + ", blocks " +
                           std::to_string(o.ofmBlockDepth) + "/" + std::to_string(o.ifmBlockDepth) +
                           ", micro-block depth " + std::to_string(o.ofmUBlockDepth) + ", stride " +
                           std::to_string(o.strideY) + "x" + std::to_string(o.strideX));
}

// Loop limits that follow from the traversal.
struct Limits {
    std::int64_t ifmUBlockDepth = 8; // IFM channels per micro-block
    std::int64_t innerStep = 8;      // IFM channels fed with each group of output channels
    std::int64_t elementRound = 1;   // kernel elements per sub-kernel are padded to this
    std::int64_t strideY = 1, strideX = 1;
    std::int64_t depthwisePadding = 0; // extra padding elements after depthwise groups
};

Limits limitsOf(const U85WeightOrdering& o) {
    Limits l;
    const bool wide = o.ifmBits == 16;
    switch (o.traversal) {
    case U85Traversal::PartKernel:
        l.elementRound = wide ? 10 : 5;
        l.ifmUBlockDepth = wide ? 8 : o.ifmBlockDepth;
        l.strideY = o.strideY;
        l.strideX = o.strideX;
        break;
    case U85Traversal::DepthFirst:
        // Depth-first treats the kernel as if unstrided.
        l.ifmUBlockDepth = o.ifmBlockDepth;
        break;
    case U85Traversal::Depthwise:
        l.elementRound = 10;
        l.ifmUBlockDepth = 1;
        l.innerStep = 1;
        l.strideY = o.strideY;
        l.strideX = o.strideX;
        break;
    }
    if (o.traversal == U85Traversal::Depthwise)
        l.depthwisePadding = (!wide && o.macsPerCycle <= 256) ? 0 : o.macsPerCycle <= 512 ? 2 : 6;
    return l;
}

// Walks the order in which Vela emits one stream's weights, calling `visit(o, y, x, i, inside)`
// for every value; `inside` is false for the zeros the order inserts (positions outside the
// tensor, sub-kernel padding, channels another stream carries are never visited).
template <typename Visit> void walkOrder(const U85WeightOrdering& o, Visit&& visit) {
    const auto l = limitsOf(o);
    const bool depthwise = o.traversal == U85Traversal::Depthwise;
    const std::int64_t ifmDepth = depthwise ? 1 : o.ifmDepth;
    const std::int64_t subWidthMax = 8 / o.dilationX;
    const std::int64_t subHeightMax = 8 / o.dilationY;
    const auto pad = [&](std::int64_t count) {
        for (std::int64_t n = 0; n < count; ++n)
            visit(0, 0, 0, 0, false);
    };
    std::vector<std::int64_t> ifmBlocks;
    for (std::int64_t block = 0; block < ifmDepth; block += o.ifmBlockDepth)
        ifmBlocks.push_back(block);
    std::int64_t ofmBlockIndex = 0;
    for (std::int64_t ofmBlock = 0; ofmBlock < o.ofmDepth;
         ofmBlock += o.ofmBlockDepth, ++ofmBlockIndex) {
        const auto ofmBlockSize = std::min(o.ofmBlockDepth, o.ofmDepth - ofmBlock);
        // IFM blocks run forward for even OFM blocks and backward for odd ones.
        const bool backward = ofmBlockIndex % 2 == 1;
        for (std::size_t b = 0; b < ifmBlocks.size(); ++b) {
            const auto ifmBlock = ifmBlocks[backward ? ifmBlocks.size() - 1 - b : b];
            const auto ifmBlockSize = std::min(o.ifmBlockDepth, ifmDepth - ifmBlock);
            for (std::int64_t subX = 0; subX < o.kernelWidth; subX += subWidthMax) {
                const auto subWidth = std::min(o.kernelWidth - subX, subWidthMax);
                for (std::int64_t subY = 0; subY < o.kernelHeight; subY += subHeightMax) {
                    const auto subHeight = std::min(o.kernelHeight - subY, subHeightMax);
                    const auto outerCount = depthwise ? 1 : ifmBlockSize;
                    for (std::int64_t ifmOuter = 0; ifmOuter < outerCount;
                         ifmOuter += l.ifmUBlockDepth)
                        for (std::int64_t ofmOuter = 0; ofmOuter < ofmBlockSize;
                             ofmOuter += o.ofmUBlockDepth) {
                            auto remaining = roundUp(subWidth * subHeight, l.elementRound);
                            for (std::int64_t phaseY = 0; phaseY < l.strideY; ++phaseY) {
                                const auto rows = (subHeight + l.strideY - 1 - phaseY) / l.strideY;
                                for (std::int64_t phaseX = 0; phaseX < l.strideX; ++phaseX) {
                                    const auto columns =
                                        (subWidth + l.strideX - 1 - phaseX) / l.strideX;
                                    for (std::int64_t row = 0; row < rows; ++row)
                                        for (std::int64_t column = 0; column < columns; ++column) {
                                            // Rows run serpentine: odd rows right to left.
                                            const auto x =
                                                row % 2 == 0 ? column : columns - 1 - column;
                                            const auto wy = subY + phaseY + row * l.strideY;
                                            const auto wx = subX + phaseX + x * l.strideX;
                                            --remaining;
                                            for (std::int64_t inner = 0; inner < l.ifmUBlockDepth;
                                                 inner += l.innerStep)
                                                for (std::int64_t group =
                                                         o.stream * kInterleaveDepth;
                                                     group < o.ofmUBlockDepth;
                                                     group += kInterleaveDepth * o.streams)
                                                    for (std::int64_t lane = 0;
                                                         lane < kInterleaveDepth; ++lane)
                                                        for (std::int64_t z = 0; z < l.innerStep;
                                                             ++z) {
                                                            const auto i =
                                                                ifmBlock + ifmOuter + inner + z;
                                                            const auto out =
                                                                ofmBlock + ofmOuter + group + lane;
                                                            visit(out, wy, wx, i,
                                                                  i < ifmDepth && out < o.ofmDepth);
                                                        }
                                            if (depthwise && remaining % l.elementRound == 0)
                                                pad(l.depthwisePadding * o.ofmUBlockDepth /
                                                    o.streams);
                                        }
                                }
                            }
                            if (remaining > 0)
                                pad((remaining + (depthwise ? l.depthwisePadding : 0)) *
                                    l.ifmUBlockDepth * o.ofmUBlockDepth / o.streams);
                        }
                }
            }
        }
    }
}

} // namespace

std::int64_t u85OfmUBlockDepth(unsigned macsPerCycle, unsigned microblock) {
    // Micro-block codes: 0 1x1, 1 1x2, 2 1x4, 3 2x2, 4 2x4, 5 4x4 (height x width). Each
    // configuration supports a few shapes, each with one depth.
    struct Shape {
        unsigned macs, microblock;
        std::int64_t depth;
    };
    static constexpr Shape kShapes[] = {
        {128, 1, 8},   {128, 0, 16},  {256, 1, 16},  {256, 2, 8},   {256, 3, 8},
        {512, 3, 16},  {512, 2, 16},  {1024, 3, 32}, {1024, 2, 32}, {1024, 4, 16},
        {2048, 3, 64}, {2048, 2, 64}, {2048, 5, 16},
    };
    for (const auto& shape : kShapes)
        if (shape.macs == macsPerCycle && shape.microblock == microblock) return shape.depth;
    throw RuntimeError("Ethos-U85-" + std::to_string(macsPerCycle) + " has no micro-block " +
                       std::to_string(microblock));
}

std::int64_t u85IfmBlockDepth(U85Traversal traversal, unsigned ifmBits, unsigned macsPerCycle,
                              std::int64_t ofmUBlockDepth) {
    if (traversal == U85Traversal::PartKernel) return 16;
    if (ifmBits == 32 || ((macsPerCycle == 128 || macsPerCycle == 256) && ofmUBlockDepth == 16))
        return 32;
    return 64;
}

std::int64_t u85Cores(unsigned macsPerCycle) {
    if (macsPerCycle <= 256) return 1;
    return macsPerCycle <= 512 ? 2 : 4;
}

std::int64_t u85FastInterleaveBlock(const U85WeightOrdering& ordering) {
    checkOrdering(ordering);
    const auto l = limitsOf(ordering);
    return std::max<std::int64_t>(1, ordering.ofmUBlockDepth * l.ifmUBlockDepth * l.elementRound /
                                         ordering.streams);
}

std::uint64_t u85OrderedWeightCount(const U85WeightOrdering& ordering, std::uint64_t limit) {
    checkOrdering(ordering);
    std::uint64_t count = 0;
    // Counting by walking stops as soon as the limit passes, so a hostile figure costs little.
    struct Stop {};
    try {
        walkOrder(ordering, [&](std::int64_t, std::int64_t, std::int64_t, std::int64_t, bool) {
            if (++count > limit) throw Stop{};
        });
    } catch (const Stop&) {
        throw RuntimeError("Ethos-U85 weight ordering needs more than the " +
                           std::to_string(limit) + " values allowed");
    }
    return count;
}

ChannelWeights unorderU85Weights(std::span<const std::int16_t> stream,
                                 const U85WeightOrdering& ordering) {
    checkOrdering(ordering);
    ChannelWeights weights;
    weights.ofmDepth = ordering.ofmDepth;
    weights.height = ordering.kernelHeight;
    weights.width = ordering.kernelWidth;
    weights.ifmDepth = ordering.traversal == U85Traversal::Depthwise ? 1 : ordering.ifmDepth;
    return placeOrderedValues(
        stream, std::move(weights),
        [&](auto&& visit) { walkOrder(ordering, std::forward<decltype(visit)>(visit)); },
        "Ethos-U85 weight stream");
}

std::vector<ChannelScale> decodeU85Scales(std::span<const std::uint8_t> bytes,
                                          std::int64_t channels, bool accumulator48) {
    constexpr std::size_t kRecord = 10;
    if (channels < 0 || static_cast<std::uint64_t>(channels) > bytes.size() / kRecord)
        throw RuntimeError("Ethos-U85 scale stream of " + std::to_string(bytes.size()) +
                           " bytes holds fewer than " + std::to_string(channels) + " records");
    const auto little = [](const std::uint8_t* from, int count) {
        std::uint64_t value = 0;
        for (int b = count - 1; b >= 0; --b)
            value = (value << 8) | from[b];
        return value;
    };
    const int biasBytes = accumulator48 ? 6 : 4;
    const int scaleBytes = accumulator48 ? 2 : 4;
    const unsigned unusedBits = 64 - 8 * static_cast<unsigned>(biasBytes);
    std::vector<ChannelScale> scales(static_cast<std::size_t>(channels));
    for (std::size_t c = 0; c < scales.size(); ++c) {
        const auto* record = bytes.data() + c * kRecord;
        // Sign-extends the bias from its width.
        scales[c].bias =
            static_cast<std::int64_t>(little(record, biasBytes) << unusedBits) >> unusedBits;
        // The multiplier's top bit is not part of it (31 or 15 bits).
        const auto multiplierMask = (std::uint64_t{1} << (8 * scaleBytes - 1)) - 1;
        scales[c].multiplier =
            static_cast<std::int64_t>(little(record + biasBytes, scaleBytes) & multiplierMask);
        scales[c].shift = record[8] & 0x3F;
    }
    return scales;
}

} // namespace pteron::runtime::ethosu
