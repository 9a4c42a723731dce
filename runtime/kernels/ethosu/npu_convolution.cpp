// CONV (also fully connected) and DEPTHWISE: weights and scales decoded from their streams,
// multiply-accumulate over the padded IFM window, per-channel requantisation.
#include "runtime/kernels/ethosu/mlw_decoder.hpp"
#include "runtime/kernels/ethosu/npu_feature_map_io.hpp"
#include "runtime/kernels/ethosu/npu_operations.hpp"
#include "runtime/kernels/ethosu/npu_weights.hpp"
#include "runtime/kernels/ethosu/u85_operation_streams.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>

namespace pteron::runtime::ethosu {
namespace {

// No operation's ordered weights come near this; hostile registers would.
constexpr std::uint64_t kMaxWeightValues = std::uint64_t{1} << 26;

ChannelWeights decodeWeights(const NpuOperation& op, const NpuMemory& memory,
                             const NpuTarget& target) {
    if (!op.weights) throw RuntimeError("the operation names no weight stream");
    if (target.product == "ethos-u85") return decodeU85Weights(op, memory, target);
    if (op.extraWeightStreams)
        throw RuntimeError("weight streams split over several cores are not supported yet");
    const auto ordering = weightOrdering(op, target);
    const auto count = orderedWeightCount(ordering, kMaxWeightValues);
    const auto bytes = memory.read(op.weights->region, op.weights->begin, op.weights->length);
    const auto stream = decodeMlw(bytes, static_cast<std::size_t>(count));
    return unorderWeights(stream, ordering);
}

std::vector<ChannelScale> decodeScales(const NpuOperation& op, const NpuMemory& memory,
                                       const NpuTarget& target) {
    if (target.product == "ethos-u85") return decodeU85OperationScales(op, memory);
    if (!op.scales) throw RuntimeError("the operation names no scale stream");
    const auto bytes = memory.read(op.scales->region, op.scales->begin, op.scales->length);
    return decodeU55Scales(bytes, op.ofm.depth);
}

// Accumulators for one output pixel, over all output channels at once, from the transposed
// weights.
template <typename Acc>
void convolve(const NpuOperation& op, const DenseMap& ifm, const ChannelWeights& weights,
              std::vector<Acc>& accumulators, std::int64_t oy, std::int64_t ox,
              const std::vector<std::int16_t>& transposed) {
    const auto ofmDepth = op.ofm.depth;
    const auto ifmDepth = weights.ifmDepth;
    const bool depthwise = op.kind == "DEPTHWISE";
    std::fill(accumulators.begin(), accumulators.end(), Acc{0});
    for (std::int64_t ky = 0; ky < op.kernelHeight; ++ky) {
        const auto y = oy * op.strideY - op.padTop + ky * op.dilationY;
        if (y < 0 || y >= ifm.height) continue;
        for (std::int64_t kx = 0; kx < op.kernelWidth; ++kx) {
            const auto x = ox * op.strideX - op.padLeft + kx * op.dilationX;
            if (x < 0 || x >= ifm.width) continue;
            const auto* in = ifm.values.data() + (y * ifm.width + x) * ifm.depth;
            const auto* w = transposed.data() + ((ky * op.kernelWidth + kx) * ifmDepth) * ofmDepth;
            if (depthwise) {
                for (std::int64_t o = 0; o < ofmDepth; ++o)
                    accumulators[static_cast<std::size_t>(o)] += static_cast<Acc>(in[o]) * w[o];
                continue;
            }
            for (std::int64_t i = 0; i < ifmDepth; ++i, w += ofmDepth) {
                const Acc value = in[i];
                if (value == 0) continue;
                for (std::int64_t o = 0; o < ofmDepth; ++o)
                    accumulators[static_cast<std::size_t>(o)] += value * w[o];
            }
        }
    }
}

// [ky][kx][ifm][ofm], so the innermost loop runs over contiguous output channels.
std::vector<std::int16_t> transposeWeights(const ChannelWeights& weights) {
    std::vector<std::int16_t> transposed(weights.values.size());
    for (std::int64_t o = 0; o < weights.ofmDepth; ++o)
        for (std::int64_t ky = 0; ky < weights.height; ++ky)
            for (std::int64_t kx = 0; kx < weights.width; ++kx)
                for (std::int64_t i = 0; i < weights.ifmDepth; ++i)
                    transposed[static_cast<std::size_t>(
                        ((ky * weights.width + kx) * weights.ifmDepth + i) * weights.ofmDepth +
                        o)] = weights.at(o, ky, kx, i);
    return transposed;
}

template <typename Acc>
std::vector<std::int64_t> convolveAll(const NpuOperation& op, const DenseMap& ifm,
                                      const DecodedWeights& decoded, const OutputStage& stage) {
    const auto ofmDepth = op.ofm.depth;
    const auto& weights = decoded.weights;
    const auto& scales = decoded.scales;
    const auto& transposed = decoded.transposed;
    const auto rounding = roundingOf(op);
    std::vector<Acc> accumulators(static_cast<std::size_t>(ofmDepth));
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(op.ofm.height * op.ofm.width * ofmDepth));
    for (std::int64_t oy = 0; oy < op.ofm.height; ++oy)
        for (std::int64_t ox = 0; ox < op.ofm.width; ++ox) {
            convolve(op, ifm, weights, accumulators, oy, ox, transposed);
            for (std::int64_t o = 0; o < ofmDepth; ++o) {
                const auto& scale = scales[static_cast<std::size_t>(o)];
                const auto acc =
                    static_cast<std::int64_t>(accumulators[static_cast<std::size_t>(o)]) +
                    scale.bias;
                const auto scaled = rescale(acc, scale.multiplier, scale.shift, rounding);
                out.push_back(stage(scaled));
            }
        }
    return out;
}

} // namespace

WeightOrdering weightOrdering(const NpuOperation& op, const NpuTarget& target) {
    WeightOrdering ordering;
    ordering.depthwise = op.kind == "DEPTHWISE";
    ordering.ofmDepth = op.ofm.depth;
    ordering.kernelHeight = op.kernelHeight;
    ordering.kernelWidth = op.kernelWidth;
    ordering.ifmDepth = ordering.depthwise ? 1 : op.ifm.depth;
    ordering.ofmBlockDepth = op.ofmBlock[2];
    ordering.ofmUBlockDepth = target.macsPerCycle <= 32 ? 4 : 8;
    ordering.ifmUBlockDepth = 8;
    ordering.dilationY = op.dilationY;
    ordering.dilationX = op.dilationX;
    ordering.partKernelFirst = op.partKernelFirst;
    ordering.ifmBits = 8 * op.ifm.elementBytes;
    return ordering;
}

std::shared_ptr<const DecodedWeights>
decodeConvolutionWeights(const NpuOperation& op, const NpuMemory& memory, const NpuTarget& target) {
    auto decoded = std::make_shared<DecodedWeights>();
    decoded->weights = decodeWeights(op, memory, target);
    decoded->scales = decodeScales(op, memory, target);
    if (decoded->weights.ofmDepth != op.ofm.depth ||
        decoded->scales.size() != static_cast<std::size_t>(op.ofm.depth))
        throw RuntimeError("the weight and scale streams do not cover the OFM's channels");
    decoded->transposed = transposeWeights(decoded->weights);
    return decoded;
}

void runConvolution(const NpuOperation& op, NpuMemory& memory, const DecodedWeights& decoded) {
    if (op.kind == "DEPTHWISE" && op.ifm.depth < op.ofm.depth)
        throw RuntimeError("a depthwise IFM must hold at least the OFM's channels");
    const auto& weights = decoded.weights;
    auto ifm = loadKernelIfm(memory, op);
    for (auto& value : ifm.values)
        value -= static_cast<std::int32_t>(op.ifm.zeroPoint);
    // 8-bit products stay below 2^16 each; past 2^15 of them int32 could overflow.
    const auto terms = op.kernelHeight * op.kernelWidth * weights.ifmDepth;
    const bool narrow = op.ifm.elementBytes == 1 && terms < (std::int64_t{1} << 15);
    const OutputStage stage(op, memory);
    const auto out = narrow ? convolveAll<std::int32_t>(op, ifm, decoded, stage)
                            : convolveAll<std::int64_t>(op, ifm, decoded, stage);
    storeMap(memory, op.ofm, out);
}

} // namespace pteron::runtime::ethosu
