// Per-output-channel requantisation of accumulators to the output type, as TFLM's per-channel
// convolution, depthwise and fully-connected kernels do it (int32 or, for 16x8, int64).
#pragma once

#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"

#include <vector>

namespace pteron::runtime::tflite {

struct ChannelRequantization {
    std::vector<QuantizedMultiplier> channels;
    std::int32_t outputOffset = 0;
    IntegerRange range;

    std::int8_t apply(std::int32_t acc, std::size_t channel) const {
        const auto& m = channels[channel];
        const std::int64_t scaled =
            std::int64_t{multiplyByQuantizedMultiplier(acc, m.multiplier, m.shift)} + outputOffset;
        return static_cast<std::int8_t>(std::clamp<std::int64_t>(scaled, range.min, range.max));
    }
    // The wider form: int32 accumulators wrap and take the double-rounding rescale, int64 ones
    // the int64 overload; the result is clamped to `range`.
    std::int32_t applyWide(std::int64_t acc, std::size_t channel, bool int64Accumulator) const {
        const auto& m = channels[channel];
        const std::int32_t rescaled =
            int64Accumulator
                ? multiplyByQuantizedMultiplier64(acc, m.multiplier, m.shift)
                : multiplyByQuantizedMultiplier(wrapToInt32(acc), m.multiplier, m.shift);
        return static_cast<std::int32_t>(
            std::clamp<std::int64_t>(std::int64_t{rescaled} + outputOffset, range.min, range.max));
    }
};

// Multipliers for `channels` outputs from input scale x filter scale[c] / output scale (in
// double, as PopulateConvolutionQuantizationParams); one filter scale is broadcast.
// `limits` is the output type's range (int8 by default).
ChannelRequantization channelRequantization(const KernelContext& ctx, std::size_t inputIndex,
                                            std::size_t filterIndex, std::size_t channels,
                                            IntegerRange limits = {-128, 127});

} // namespace pteron::runtime::tflite
