#include "runtime/kernels/ethosu/npu_weights.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <string>

namespace pteron::runtime::ethosu {
namespace {

std::int64_t roundUp(std::int64_t value, std::int64_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

void checkOrdering(const WeightOrdering& o) {
    const auto inRange = [](std::int64_t v, std::int64_t high) { return v >= 1 && v <= high; };
    if (!inRange(o.ofmDepth, 65536) || !inRange(o.kernelHeight, 256) ||
        !inRange(o.kernelWidth, 256) || !inRange(o.ifmDepth, 65536) ||
        !inRange(o.ofmBlockDepth, 65536) || !inRange(o.ofmUBlockDepth, 64) ||
        !inRange(o.ifmUBlockDepth, 64) || !inRange(o.dilationY, 8) || !inRange(o.dilationX, 8))
        throw RuntimeError("Ethos-U weight ordering out of range: OFM depth " +
                           std::to_string(o.ofmDepth) + ", kernel " +
                           std::to_string(o.kernelHeight) + "x" + std::to_string(o.kernelWidth) +
                           ", IFM depth " + std::to_string(o.ifmDepth) + ", OFM block depth " +
                           std::to_string(o.ofmBlockDepth));
}

// Walks the order in which Vela emits weights, calling `visit(o, y, x, i, inside)` for every
// value of the stream; `inside` is false for the padding the order inserts.
template <typename Visit> void walkOrder(const WeightOrdering& o, Visit&& visit) {
    const std::int64_t ifmBlockDepth = o.partKernelFirst || o.ifmBits == 16 ? 16 : 32;
    const std::int64_t subHeightMax = std::max<std::int64_t>(1, 8 / o.dilationY);
    const std::int64_t subWidthMax = std::max<std::int64_t>(1, 8 / o.dilationX);
    const std::int64_t ifmSteps = o.depthwise ? 1 : o.ifmDepth;
    const std::int64_t ifmInnerCount = o.depthwise ? 1 : o.ifmUBlockDepth;
    for (std::int64_t ofmBlock = 0; ofmBlock < o.ofmDepth; ofmBlock += o.ofmBlockDepth) {
        const auto ofmBlockSize = std::min(o.ofmBlockDepth, o.ofmDepth - ofmBlock);
        for (std::int64_t ifmBlock = 0; ifmBlock < ifmSteps; ifmBlock += ifmBlockDepth) {
            std::int64_t ifmBlockSize = ifmBlockDepth;
            if (o.depthwise)
                ifmBlockSize = o.ifmUBlockDepth;
            else if (o.partKernelFirst)
                ifmBlockSize = std::min(ifmBlockDepth, o.ifmDepth - ifmBlock);
            for (std::int64_t subY = 0; subY < o.kernelHeight; subY += subHeightMax) {
                const auto subHeight = std::min(o.kernelHeight - subY, subHeightMax);
                for (std::int64_t subX = 0; subX < o.kernelWidth; subX += subWidthMax) {
                    const auto subWidth = std::min(o.kernelWidth - subX, subWidthMax);
                    auto elements = subWidth * subHeight;
                    if (o.partKernelFirst)
                        elements = roundUp(elements, o.ifmBits == 16 ? 2 : 4);
                    else if (o.depthwise)
                        elements = roundUp(elements, 4);
                    const auto outer = o.partKernelFirst ? ifmBlockSize : 1;
                    const auto inner = o.partKernelFirst ? 1 : ifmBlockSize;
                    for (std::int64_t iuOuter = 0; iuOuter < outer; iuOuter += o.ifmUBlockDepth)
                        for (std::int64_t ou = 0; ou < ofmBlockSize; ou += o.ofmUBlockDepth)
                            for (std::int64_t e = 0; e < elements; ++e) {
                                const auto kx = e % subWidth, ky = e / subWidth;
                                for (std::int64_t iuInner = 0; iuInner < inner;
                                     iuInner += o.ifmUBlockDepth)
                                    for (std::int64_t oz = 0; oz < o.ofmUBlockDepth; ++oz)
                                        for (std::int64_t iz = 0; iz < ifmInnerCount; ++iz) {
                                            const auto i = ifmBlock + iuOuter + iuInner + iz;
                                            const auto out = ofmBlock + ou + oz;
                                            const auto depth = o.depthwise ? 1 : o.ifmDepth;
                                            visit(out, subY + ky, subX + kx, i,
                                                  i < depth && out < o.ofmDepth && ky < subHeight);
                                        }
                            }
                }
            }
        }
    }
}

// The same count walkOrder visits, computed without walking.
std::uint64_t countOrder(const WeightOrdering& o) {
    const std::int64_t ifmBlockDepth = o.partKernelFirst || o.ifmBits == 16 ? 16 : 32;
    const std::int64_t subHeightMax = std::max<std::int64_t>(1, 8 / o.dilationY);
    const std::int64_t subWidthMax = std::max<std::int64_t>(1, 8 / o.dilationX);
    std::uint64_t elements = 0; // padded kernel elements over all sub-kernels
    for (std::int64_t subY = 0; subY < o.kernelHeight; subY += subHeightMax)
        for (std::int64_t subX = 0; subX < o.kernelWidth; subX += subWidthMax) {
            auto n = std::min(o.kernelWidth - subX, subWidthMax) *
                     std::min(o.kernelHeight - subY, subHeightMax);
            if (o.partKernelFirst)
                n = roundUp(n, o.ifmBits == 16 ? 2 : 4);
            else if (o.depthwise)
                n = roundUp(n, 4);
            elements += static_cast<std::uint64_t>(n);
        }
    std::uint64_t ofmUnits = 0; // OFM ublocks over all OFM blocks
    for (std::int64_t block = 0; block < o.ofmDepth; block += o.ofmBlockDepth)
        ofmUnits += static_cast<std::uint64_t>(
            (std::min(o.ofmBlockDepth, o.ofmDepth - block) + o.ofmUBlockDepth - 1) /
            o.ofmUBlockDepth);
    std::uint64_t ifmValues = 0; // IFM values per OFM ublock lane and kernel element
    if (o.depthwise) {
        ifmValues = 1;
    } else {
        for (std::int64_t block = 0; block < o.ifmDepth; block += ifmBlockDepth) {
            const auto size =
                o.partKernelFirst ? std::min(ifmBlockDepth, o.ifmDepth - block) : ifmBlockDepth;
            ifmValues += static_cast<std::uint64_t>((size + o.ifmUBlockDepth - 1) /
                                                    o.ifmUBlockDepth * o.ifmUBlockDepth);
        }
    }
    return ofmUnits * static_cast<std::uint64_t>(o.ofmUBlockDepth) * elements * ifmValues;
}

} // namespace

std::uint64_t orderedWeightCount(const WeightOrdering& ordering, std::uint64_t limit) {
    checkOrdering(ordering);
    const auto count = countOrder(ordering);
    if (count > limit)
        throw RuntimeError("Ethos-U weight ordering needs " + std::to_string(count) +
                           " values, more than the " + std::to_string(limit) + " allowed");
    return count;
}

ChannelWeights unorderWeights(std::span<const std::int16_t> stream,
                              const WeightOrdering& ordering) {
    checkOrdering(ordering);
    ChannelWeights weights;
    weights.ofmDepth = ordering.ofmDepth;
    weights.height = ordering.kernelHeight;
    weights.width = ordering.kernelWidth;
    weights.ifmDepth = ordering.depthwise ? 1 : ordering.ifmDepth;
    return placeOrderedValues(
        stream, std::move(weights),
        [&](auto&& visit) { walkOrder(ordering, std::forward<decltype(visit)>(visit)); },
        "Ethos-U weight stream");
}

std::vector<ChannelScale> decodeU55Scales(std::span<const std::uint8_t> bytes,
                                          std::int64_t channels) {
    constexpr std::size_t kRecord = 10;
    if (channels < 0 || static_cast<std::uint64_t>(channels) > bytes.size() / kRecord)
        throw RuntimeError("Ethos-U scale stream of " + std::to_string(bytes.size()) +
                           " bytes holds fewer than " + std::to_string(channels) + " records");
    std::vector<ChannelScale> scales(static_cast<std::size_t>(channels));
    for (std::size_t c = 0; c < scales.size(); ++c) {
        const auto* record = bytes.data() + c * kRecord;
        std::uint64_t bias = 0;
        for (int b = 4; b >= 0; --b)
            bias = (bias << 8) | record[b];
        scales[c].bias = static_cast<std::int64_t>(bias << 24) >> 24; // sign-extend 40 bits
        std::uint64_t multiplier = 0;
        for (int b = 8; b >= 5; --b)
            multiplier = (multiplier << 8) | record[b];
        scales[c].multiplier = static_cast<std::int64_t>(multiplier);
        scales[c].shift = record[9] & 0x3F;
    }
    return scales;
}

} // namespace pteron::runtime::ethosu
