// TRANSPOSE_CONV: inputs (output_shape, filter [OC, KH, KW, IC], input NHWC, bias?); every input
// pixel scatters input x filter into the output window it covers. fp32, int8 per-channel (TFLM
// TransposeConv: input offset, int32 accumulators), int16 x int8 (int64 accumulators) and the
// legacy uint8 x uint8 per-tensor form of TFLite's transpose_conv.cc (input and filter offsets,
// int32 accumulators), which TFLM does not have.
// Padding is that of the forward convolution from the output back to the input.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"
#include "runtime/kernels/tflite/tflite_requantize.hpp"
#include "runtime/kernels/tflite/tflite_window.hpp"

namespace pteron::runtime::tflite {

namespace {

struct TransposeShape {
    std::int64_t batches = 0, inH = 0, inW = 0, inC = 0;
    std::int64_t outH = 0, outW = 0, outC = 0, kH = 0, kW = 0;
    std::int64_t strideH = 1, strideW = 1, padH = 0, padW = 0;
};

TransposeShape transposeShape(const KernelContext& ctx) {
    const auto& outputShape = ctx.input(0);
    const auto& filter = ctx.input(1);
    const auto& input = ctx.input(2);
    if (outputShape.dtype() != DType::Int32 || outputShape.elementCount() != 4)
        ctx.fail("output_shape must be int32[4], given " + outputShape.typeText());
    if (filter.rank() != 4 || input.rank() != 4)
        ctx.fail("filter and input must be 4-d, given " + filter.typeText() + " and " +
                 input.typeText());
    const auto dims = outputShape.elements<std::int32_t>();
    TransposeShape s;
    s.batches = input.dim(0);
    s.inH = input.dim(1);
    s.inW = input.dim(2);
    s.inC = input.dim(3);
    s.outC = filter.dim(0);
    s.kH = filter.dim(1);
    s.kW = filter.dim(2);
    s.outH = dims[1];
    s.outW = dims[2];
    if (dims[0] != s.batches || dims[3] != s.outC || filter.dim(3) != s.inC)
        ctx.fail("output_shape [" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) +
                 ", " + std::to_string(dims[2]) + ", " + std::to_string(dims[3]) + "], filter " +
                 filter.typeText() + " and input " + input.typeText() + " do not fit together");
    if (s.outH <= 0 || s.outW <= 0 || s.outH > (1 << 20) || s.outW > (1 << 20))
        ctx.fail("output_shape has a non-positive or huge spatial size");
    const auto padding = ctx.enumAttribute("padding", "VALID");
    const auto strides = ctx.intsAttribute("strides", {1, 1});
    if (strides.size() != 2) ctx.fail("strides must hold two values");
    const auto height = windowAxis(ctx, padding, s.outH, s.kH, strides[0], 1);
    const auto width = windowAxis(ctx, padding, s.outW, s.kW, strides[1], 1);
    s.strideH = strides[0];
    s.strideW = strides[1];
    s.padH = height.padBefore;
    s.padW = width.padBefore;
    if (ctx.hasInput(3) && ctx.input(3).elementCount() != static_cast<std::uint64_t>(s.outC))
        ctx.fail("bias " + ctx.input(3).typeText() + " needs " + std::to_string(s.outC) +
                 " elements");
    return s;
}

// Adds product(inputIndex, filterIndex) into acc[outputIndex] for every tap that lands inside
// the output, for one batch; the accumulator holds that batch's [outH, outW, outC].
template <typename Acc, typename Product>
void scatterBatch(const TransposeShape& s, std::int64_t batch, std::vector<Acc>& acc,
                  Product&& product) {
    for (std::int64_t iy = 0; iy < s.inH; ++iy)
        for (std::int64_t ix = 0; ix < s.inW; ++ix) {
            const std::int64_t inputBase = ((batch * s.inH + iy) * s.inW + ix) * s.inC;
            for (std::int64_t ky = 0; ky < s.kH; ++ky) {
                const std::int64_t oy = iy * s.strideH - s.padH + ky;
                if (oy < 0 || oy >= s.outH) continue;
                for (std::int64_t kx = 0; kx < s.kW; ++kx) {
                    const std::int64_t ox = ix * s.strideW - s.padW + kx;
                    if (ox < 0 || ox >= s.outW) continue;
                    Acc* target = acc.data() + (oy * s.outW + ox) * s.outC;
                    for (std::int64_t oc = 0; oc < s.outC; ++oc) {
                        const std::int64_t filterBase = ((oc * s.kH + ky) * s.kW + kx) * s.inC;
                        for (std::int64_t ic = 0; ic < s.inC; ++ic)
                            target[oc] += product(inputBase + ic, filterBase + ic);
                    }
                }
            }
        }
}

void transposeConvFloat(KernelContext& ctx, const TransposeShape& s) {
    if (ctx.input(1).dtype() != DType::Float32) ctx.fail("fp32 input needs an fp32 filter");
    const auto* input = ctx.input(2).elements<float>().data();
    const auto* filter = ctx.input(1).elements<float>().data();
    const float* bias = nullptr;
    if (ctx.hasInput(3)) {
        if (ctx.input(3).dtype() != DType::Float32) ctx.fail("fp32 input needs an fp32 bias");
        bias = ctx.input(3).elements<float>().data();
    }
    const auto range = floatActivationRange(ctx);
    Tensor out(DType::Float32, {s.batches, s.outH, s.outW, s.outC});
    auto* result = out.mutableElements<float>().data();
    const std::int64_t plane = s.outH * s.outW * s.outC;
    ctx.pool().parallelFor(s.batches, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> acc(static_cast<std::size_t>(plane));
        for (std::int64_t b = begin; b < end; ++b) {
            std::fill(acc.begin(), acc.end(), 0.0f);
            scatterBatch(s, b, acc,
                         [&](std::int64_t i, std::int64_t f) { return input[i] * filter[f]; });
            for (std::int64_t k = 0; k < plane; ++k) {
                const float value =
                    acc[static_cast<std::size_t>(k)] + (bias ? bias[k % s.outC] : 0.0f);
                result[b * plane + k] = std::clamp(value, range.min, range.max);
            }
        }
    });
    ctx.setOutput(0, std::move(out));
}

void transposeConvInteger(KernelContext& ctx, const TransposeShape& s) {
    const auto type = ctx.input(2).dtype();
    const bool int16 = type == DType::Int16;
    const bool legacy = type == DType::UInt8;
    const auto filterType = legacy ? DType::UInt8 : DType::Int8;
    if (ctx.input(1).dtype() != filterType)
        ctx.fail(std::string(dtypeName(type)) + " inputs need a " +
                 std::string(dtypeName(filterType)) + " filter, given " + ctx.input(1).typeText());
    if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the input");
    const auto inQ = inputQuantization(ctx, 2);
    if (int16 && (inQ.zeroPoint != 0 || outputQuantization(ctx, 0).zeroPoint != 0))
        ctx.fail("int16 activations need zero points 0");
    const std::int32_t inputOffset = -inQ.zeroPoint;
    // Per-channel int8 filters are symmetric; a uint8 filter has one zero point.
    const std::int32_t filterOffset = legacy ? -inputQuantization(ctx, 1).zeroPoint : 0;
    // 16x8 accumulates in int64 (an int16 or int32 bias is widened); int8 in int32.
    std::vector<std::int64_t> bias;
    const bool int64Accumulator = int16;
    if (ctx.hasInput(3)) {
        bias = widenedBias(ctx, ctx.input(3));
        if (!int16 && ctx.input(3).dtype() != DType::Int32)
            ctx.fail("int8 and uint8 transpose convolutions need an int32 bias");
    }
    if (s.kH * s.kW * s.inC > (1 << 16))
        ctx.fail("a reduction over more than 65536 taps is larger than the kernel supports");
    const auto input = widened(ctx, ctx.input(2));
    const auto filter = widened(ctx, ctx.input(1));
    const auto requantize =
        channelRequantization(ctx, 2, 1, static_cast<std::size_t>(s.outC), typeLimits(ctx, type));
    const std::int64_t plane = s.outH * s.outW * s.outC;
    std::vector<std::int32_t> result(static_cast<std::size_t>(s.batches * plane));
    ctx.pool().parallelFor(s.batches, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int64_t> acc(static_cast<std::size_t>(plane));
        for (std::int64_t b = begin; b < end; ++b) {
            std::fill(acc.begin(), acc.end(), 0);
            scatterBatch(s, b, acc, [&](std::int64_t i, std::int64_t f) {
                return std::int64_t{input[static_cast<std::size_t>(i)] + inputOffset} *
                       (filter[static_cast<std::size_t>(f)] + filterOffset);
            });
            for (std::int64_t k = 0; k < plane; ++k) {
                const auto channel = static_cast<std::size_t>(k % s.outC);
                std::int64_t value = acc[static_cast<std::size_t>(k)];
                // The int8 and uint8 scratch buffers accumulate in int32.
                if (!int64Accumulator) value = wrapToInt32(value);
                if (!bias.empty()) value += bias[channel];
                result[static_cast<std::size_t>(b * plane + k)] =
                    requantize.applyWide(value, channel, int64Accumulator);
            }
        }
    });
    ctx.setOutput(0, narrowed(ctx, type, {s.batches, s.outH, s.outW, s.outC}, result));
}

void transposeConv(KernelContext& ctx) {
    const auto shape = transposeShape(ctx);
    switch (ctx.input(2).dtype()) {
    case DType::Float32:
        return transposeConvFloat(ctx, shape);
    case DType::Int8:
    case DType::Int16:
    case DType::UInt8:
        return transposeConvInteger(ctx, shape);
    default:
        ctx.fail("input type " + ctx.input(2).typeText() +
                 " is not supported (int8, int16, uint8, fp32)");
    }
}

} // namespace

void addTransposeConvKernels(KernelRegistry& registry) {
    registry.add("tflite.TRANSPOSE_CONV", transposeConv);
}

} // namespace pteron::runtime::tflite
