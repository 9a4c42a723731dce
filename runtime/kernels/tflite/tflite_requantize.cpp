#include "runtime/kernels/tflite/tflite_requantize.hpp"

namespace pteron::runtime::tflite {

ChannelRequantization channelRequantization(const KernelContext& ctx, std::size_t inputIndex,
                                            std::size_t filterIndex, std::size_t channels,
                                            IntegerRange limits) {
    const auto input = inputQuantization(ctx, inputIndex);
    const auto output = outputQuantization(ctx, 0);
    const auto filterScales = inputScales(ctx, filterIndex);
    if (filterScales.size() != 1 && filterScales.size() != channels)
        ctx.fail("the filter has " + std::to_string(filterScales.size()) + " scales for " +
                 std::to_string(channels) + " output channels");
    if (output.scale <= 0.0f || input.scale <= 0.0f)
        ctx.fail("quantisation scales must be positive");
    ChannelRequantization result;
    result.channels.reserve(channels);
    for (std::size_t c = 0; c < channels; ++c) {
        const float filterScale = filterScales.size() == 1 ? filterScales[0] : filterScales[c];
        const double effective = static_cast<double>(input.scale) *
                                 static_cast<double>(filterScale) /
                                 static_cast<double>(output.scale);
        result.channels.push_back(quantizeMultiplier(effective));
    }
    result.outputOffset = output.zeroPoint;
    result.range = quantizedActivationRange(ctx, output, limits.min, limits.max);
    return result;
}

} // namespace pteron::runtime::tflite
