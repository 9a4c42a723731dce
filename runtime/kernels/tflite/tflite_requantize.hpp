// Per-output-channel requantisation of int32 accumulators to int8, as TFLM's per-channel
// convolution, depthwise and fully-connected kernels do it.
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
};

// Multipliers for `channels` outputs from input scale x filter scale[c] / output scale (in
// double, as PopulateConvolutionQuantizationParams); one filter scale is broadcast.
ChannelRequantization channelRequantization(const KernelContext& ctx, std::size_t inputIndex,
                                            std::size_t filterIndex, std::size_t channels);

} // namespace pteron::runtime::tflite
