// FullyConnected, Conv2d, DepthwiseConv2d, ConvTranspose2d and BatchMatrixMultiply on NHWC
// tensors with OHWI filters. Float operands accumulate in fp32; quantised ones in int32 and
// finish per output channel: qs8/qu8 by fp32 requantisation, qd8 (dynamic rows) to float by
// acc * input scale * channel scale + bias, fp32 input with quantised weights by
// acc * channel scale + bias.
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"
#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"

#include <cmath>
#include <cstring>
#include <optional>
#include <type_traits>

namespace pteron::runtime::xnnpack {

namespace {

constexpr std::uint32_t kTransposeWeights = 0x1;

// Geometry of a convolution seen as: out[b, oy, ox, oc] = sum over taps of in * w.
struct ConvGeometry {
    std::int64_t batches = 1, inH = 1, inW = 1, inC = 0;
    std::int64_t outH = 1, outW = 1, outC = 0;
    std::int64_t kH = 1, kW = 1, strideH = 1, strideW = 1, dilH = 1, dilW = 1;
    std::int64_t padTop = 0, padLeft = 0;
    std::int64_t groupIn = 0, groupOut = 0; // channels per group
    bool depthwise = false;                 // filter [1, kH, kW, outC]
    bool transposed = false;                // ConvTranspose2d: taps gather from strided inputs
};

// The weights as integers minus their zero point, or floats, plus per-channel scales (or, for
// blockwise weights, one scale per block of `blockSize` input channels of each output channel).
struct Weights {
    std::vector<std::int32_t> integers;
    std::vector<float> floats;
    std::vector<float> channelScales; // empty for float and blockwise weights
    std::vector<float> blockScales;   // [channels, blocks]
    std::int64_t blockSize = 0;
};

bool isQuantized(const Tensor& tensor, const OperandQuantization& q) {
    return !isFloatType(tensor.dtype()) && q.kind != QuantKind::None;
}

Weights weightsOf(const KernelContext& ctx, std::size_t index, std::int64_t channels,
                  const std::optional<Tensor>& replacement) {
    const auto& tensor = replacement ? *replacement : ctx.input(index);
    Weights weights;
    if (isFloatType(tensor.dtype())) {
        weights.floats = floatsOf(ctx, tensor);
        return weights;
    }
    const auto q = inputQuantization(ctx, index);
    weights.integers = integersOf(ctx, tensor);
    const std::int32_t zeroPoint = q.zeroPoints.empty() ? 0 : q.zeroPoints[0];
    if (zeroPoint != 0)
        for (auto& w : weights.integers)
            w -= zeroPoint;
    if (q.kind == QuantKind::PerChannelGroup) {
        const auto perChannel =
            channels > 0 ? weights.integers.size() / static_cast<std::size_t>(channels) : 0;
        if (q.groupSize <= 0 || perChannel % static_cast<std::size_t>(q.groupSize) != 0 ||
            q.scales.size() != static_cast<std::size_t>(channels) * perChannel /
                                   static_cast<std::size_t>(q.groupSize))
            ctx.fail("blockwise weights " + tensor.typeText() + " with blocks of " +
                     std::to_string(q.groupSize) + " need one scale per block, given " +
                     std::to_string(q.scales.size()));
        weights.blockScales = q.scales;
        weights.blockSize = q.groupSize;
        return weights;
    }
    if (q.scales.size() != 1 && q.scales.size() != static_cast<std::size_t>(channels))
        ctx.fail("the filter has " + std::to_string(q.scales.size()) + " scales for " +
                 std::to_string(channels) + " output channels");
    weights.channelScales.resize(static_cast<std::size_t>(channels));
    for (std::int64_t c = 0; c < channels; ++c)
        weights.channelScales[static_cast<std::size_t>(c)] =
            q.scales.size() == 1 ? q.scales[0] : q.scales[static_cast<std::size_t>(c)];
    return weights;
}

// Walks the taps of one output position: visit(inputOffset, weightOffset) for every valid tap,
// inputOffset pointing at the first channel of the group and weightOffset at the tap's
// first input channel for output channel `oc`.
template <typename Visit>
void forEachTap(const ConvGeometry& g, std::int64_t b, std::int64_t oy, std::int64_t ox,
                std::int64_t oc, Visit&& visit) {
    const std::int64_t group = oc / g.groupOut;
    for (std::int64_t ky = 0; ky < g.kH; ++ky) {
        std::int64_t iy = 0;
        if (g.transposed) {
            const std::int64_t y = oy + g.padTop - ky * g.dilH;
            if (y < 0 || y % g.strideH != 0) continue;
            iy = y / g.strideH;
        } else {
            iy = oy * g.strideH - g.padTop + ky * g.dilH;
        }
        if (iy < 0 || iy >= g.inH) continue;
        for (std::int64_t kx = 0; kx < g.kW; ++kx) {
            std::int64_t ix = 0;
            if (g.transposed) {
                const std::int64_t x = ox + g.padLeft - kx * g.dilW;
                if (x < 0 || x % g.strideW != 0) continue;
                ix = x / g.strideW;
            } else {
                ix = ox * g.strideW - g.padLeft + kx * g.dilW;
            }
            if (ix < 0 || ix >= g.inW) continue;
            const std::int64_t pixel = ((b * g.inH + iy) * g.inW + ix) * g.inC;
            if (g.depthwise)
                visit(pixel + oc / (g.outC / g.inC), (ky * g.kW + kx) * g.outC + oc);
            else
                visit(pixel + group * g.groupIn, ((oc * g.kH + ky) * g.kW + kx) * g.groupIn);
        }
    }
}

// acc for every output element: acc(index) -> body(row, oc, acc). Rows are batch*outH*outW.
template <typename T, typename Finish>
void convolve(const KernelContext& ctx, const ConvGeometry& g, const std::vector<T>& input,
              const std::vector<T>& weights, Finish&& finish) {
    // Integer sums run in 64 bits and wrap to 32 at the end, as XNNPACK's int32 sums wrap.
    using Acc = std::conditional_t<std::is_integral_v<T>, std::int64_t, T>;
    const std::int64_t taps = g.depthwise ? 1 : g.groupIn;
    ctx.pool().parallelFor(g.batches * g.outH, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const std::int64_t b = row / g.outH;
            const std::int64_t oy = row % g.outH;
            for (std::int64_t ox = 0; ox < g.outW; ++ox) {
                const std::int64_t pixel = (row * g.outW + ox);
                for (std::int64_t oc = 0; oc < g.outC; ++oc) {
                    Acc acc{};
                    forEachTap(g, b, oy, ox, oc, [&](std::int64_t in, std::int64_t w) {
                        const T* x = input.data() + in;
                        const T* k = weights.data() + w;
                        for (std::int64_t i = 0; i < taps; ++i)
                            acc += static_cast<Acc>(x[i]) * k[i];
                    });
                    finish(b, pixel, oc, static_cast<T>(acc));
                }
            }
        }
    });
}

// Blockwise weights (qb4w) times rows of `input`: per output, each block's products summed exactly
// (int32 for integer input) and scaled by the block's scale, the blocks summed in fp32.
template <typename T>
std::vector<float> blockwiseProducts(const KernelContext& ctx, const ConvGeometry& g,
                                     const std::vector<T>& input, const Weights& weights) {
    const std::int64_t blocks = g.inC / weights.blockSize;
    std::vector<float> out(static_cast<std::size_t>(g.batches * g.outC));
    ctx.pool().parallelFor(g.batches, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const T* x = input.data() + row * g.inC;
            for (std::int64_t oc = 0; oc < g.outC; ++oc) {
                const std::int32_t* w = weights.integers.data() + oc * g.inC;
                float sum = 0;
                for (std::int64_t b = 0; b < blocks; ++b) {
                    std::conditional_t<std::is_integral_v<T>, std::int64_t, float> block{};
                    for (std::int64_t k = b * weights.blockSize; k < (b + 1) * weights.blockSize;
                         ++k)
                        block += x[k] * static_cast<T>(w[k]);
                    sum += static_cast<float>(static_cast<T>(block)) *
                           weights.blockScales[static_cast<std::size_t>(oc * blocks + b)];
                }
                out[static_cast<std::size_t>(row * g.outC + oc)] = sum;
            }
        }
    });
    return out;
}

// FullyConnected with blockwise weights: fp32 input, or qd8 rows scaled by their input scale.
void runBlockwiseFullyConnected(KernelContext& ctx, const ConvGeometry& g, const Weights& weights,
                                const Shape& outShape) {
    const auto& inputTensor = ctx.input(0);
    const auto clamp = outputClamp(ctx);
    const bool hasBias = ctx.hasInput(2);
    const auto bias = hasBias ? floatsOf(ctx, ctx.input(2)) : std::vector<float>{};
    if (hasBias && bias.size() != static_cast<std::size_t>(g.outC)) ctx.fail("bias size mismatch");
    if (g.inC % weights.blockSize != 0)
        ctx.fail("input depth " + std::to_string(g.inC) + " is not a whole number of blocks of " +
                 std::to_string(weights.blockSize));
    std::vector<float> out;
    if (isFloatType(inputTensor.dtype())) {
        out = blockwiseProducts<float>(ctx, g, floatsOf(ctx, inputTensor), weights);
    } else {
        const auto inQ = inputQuantization(ctx, 0);
        if (inQ.kind != QuantKind::Dynamic ||
            inQ.scales.size() != static_cast<std::size_t>(g.batches))
            ctx.fail("blockwise weights need fp32 input or dynamically quantised rows, given " +
                     inputTensor.typeText());
        auto input = integersOf(ctx, inputTensor);
        for (std::size_t i = 0; i < input.size(); ++i) {
            const auto row = i / static_cast<std::size_t>(g.inC);
            input[i] -= inQ.zeroPoints.size() > row ? inQ.zeroPoints[row] : 0;
        }
        out = blockwiseProducts<std::int32_t>(ctx, g, input, weights);
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] *= inQ.scales[i / static_cast<std::size_t>(g.outC)];
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (hasBias) out[i] += bias[i % static_cast<std::size_t>(g.outC)];
        out[i] = std::clamp(out[i], clamp.min, clamp.max);
    }
    const auto outType = ctx.outputValue(0).dtype;
    ctx.setOutput(0, floatTensor(isFloatType(outType) ? outType : DType::Float32, outShape, out));
}

// Runs the convolution in the arithmetic the operand types call for and sets output 0.
void runConvolution(KernelContext& ctx, const ConvGeometry& g, const Shape& finalShape = {},
                    std::optional<Tensor> filterOverride = std::nullopt) {
    const auto shaped = [&](Tensor tensor) {
        return finalShape.empty() ? tensor : tensor.reshaped(finalShape);
    };
    const auto& inputTensor = ctx.input(0);
    const auto outType = ctx.outputValue(0).dtype;
    const Shape outShape{g.batches, g.outH, g.outW, g.outC};
    const bool hasBias = ctx.hasInput(2);
    const auto weights = weightsOf(ctx, 1, g.outC, filterOverride);
    if (!weights.blockScales.empty()) {
        // XNNPACK takes blockwise weights in FullyConnected only.
        if (g.kH != 1 || g.kW != 1 || g.inH != 1 || g.inW != 1 || g.depthwise || g.transposed ||
            g.groupIn != g.inC)
            ctx.fail("blockwise weights are only taken by FullyConnected");
        runBlockwiseFullyConnected(ctx, g, weights,
                                   finalShape.empty() ? Shape{g.batches, g.outC} : finalShape);
        return;
    }
    const auto clamp = outputClamp(ctx);
    const auto inQ = inputQuantization(ctx, 0);
    if (g.depthwise ? g.kH * g.kW > (1 << 16) : g.kH * g.kW * g.groupIn > (1 << 15))
        ctx.fail("the reduction is larger than the kernel supports");

    if (isFloatType(inputTensor.dtype())) {
        const auto input = floatsOf(ctx, inputTensor);
        const auto bias = hasBias ? floatsOf(ctx, ctx.input(2)) : std::vector<float>{};
        if (hasBias && bias.size() != static_cast<std::size_t>(g.outC))
            ctx.fail("bias size mismatch");
        std::vector<float> out(static_cast<std::size_t>(elementCountOf(outShape)));
        const bool quantizedWeights = weights.floats.empty();
        std::vector<float> w =
            quantizedWeights ? std::vector<float>(weights.integers.begin(), weights.integers.end())
                             : weights.floats;
        convolve<float>(ctx, g, input, w,
                        [&](std::int64_t, std::int64_t pixel, std::int64_t oc, float acc) {
                            if (quantizedWeights)
                                acc *= weights.channelScales[static_cast<std::size_t>(oc)];
                            if (hasBias) acc += bias[static_cast<std::size_t>(oc)];
                            out[static_cast<std::size_t>(pixel * g.outC + oc)] =
                                std::clamp(acc, clamp.min, clamp.max);
                        });
        ctx.setOutput(
            0, shaped(floatTensor(isFloatType(outType) ? outType : DType::Float32, outShape, out)));
        return;
    }
    if (!isQuantized(inputTensor, inQ) || weights.integers.empty())
        ctx.fail("input " + inputTensor.typeText() + " with these weights is not supported");
    // Integer input minus its zero point (per row for dynamic quantisation).
    auto input = integersOf(ctx, inputTensor);
    const bool dynamic = inQ.kind == QuantKind::Dynamic;
    // Dynamic quantisation has one (scale, zero point) per batch row.
    if (dynamic && inQ.scales.size() != static_cast<std::size_t>(g.batches))
        ctx.fail("dynamic quantisation has " + std::to_string(inQ.scales.size()) + " rows for " +
                 std::to_string(g.batches) + " input rows");
    if (inQ.scales.empty()) ctx.fail("the quantised input has no scale");
    const std::size_t rowLength =
        input.size() / static_cast<std::size_t>(std::max<std::int64_t>(g.batches, 1));
    for (std::size_t i = 0; i < input.size(); ++i) {
        const std::size_t r = dynamic ? i / std::max<std::size_t>(rowLength, 1) : 0;
        input[i] -= inQ.zeroPoints.size() > r ? inQ.zeroPoints[r] : 0;
    }
    if (dynamic) {
        // qd8 x qc8w -> float: one input row per output pixel (fully connected) or per batch.
        const auto bias = hasBias ? floatsOf(ctx, ctx.input(2)) : std::vector<float>{};
        std::vector<float> out(static_cast<std::size_t>(elementCountOf(outShape)));
        convolve<std::int32_t>(
            ctx, g, input, weights.integers,
            [&](std::int64_t b, std::int64_t pixel, std::int64_t oc, std::int32_t acc) {
                float value = static_cast<float>(acc) * inQ.scales[static_cast<std::size_t>(b)];
                value *= weights.channelScales[static_cast<std::size_t>(oc)];
                if (hasBias) value += bias[static_cast<std::size_t>(oc)];
                out[static_cast<std::size_t>(pixel * g.outC + oc)] =
                    std::clamp(value, clamp.min, clamp.max);
            });
        ctx.setOutput(
            0, shaped(floatTensor(isFloatType(outType) ? outType : DType::Float32, outShape, out)));
        return;
    }
    const auto outQ = outputQuantization(ctx, 0);
    if (outQ.scales.empty()) ctx.fail("the quantised output has no scale");
    const auto bias = hasBias ? integersOf(ctx, ctx.input(2)) : std::vector<std::int32_t>{};
    if (hasBias && bias.size() != static_cast<std::size_t>(g.outC)) ctx.fail("bias size mismatch");
    const std::int32_t outZp = outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0];
    const auto range = quantizedClamp(ctx, outQ.scales[0], outZp, outType);
    std::vector<float> scales(static_cast<std::size_t>(g.outC));
    for (std::size_t c = 0; c < scales.size(); ++c)
        scales[c] = inQ.scales.at(0) * weights.channelScales[c] / outQ.scales[0];
    Tensor out(outType, outShape);
    auto bytes = out.mutableBytes();
    convolve<std::int32_t>(
        ctx, g, input, weights.integers,
        [&](std::int64_t, std::int64_t pixel, std::int64_t oc, std::int32_t acc) {
            if (hasBias)
                acc = static_cast<std::int32_t>(std::int64_t{acc} +
                                                bias[static_cast<std::size_t>(oc)]);
            const std::int32_t q =
                requantize(acc, scales[static_cast<std::size_t>(oc)], outZp, range);
            const auto at = static_cast<std::size_t>(pixel * g.outC + oc);
            if (outType == DType::UInt8)
                bytes[at] = static_cast<std::byte>(q);
            else
                bytes[at] =
                    static_cast<std::byte>(static_cast<std::uint8_t>(static_cast<std::int8_t>(q)));
        });
    ctx.setOutput(0, shaped(std::move(out)));
}

std::int64_t attribute(const KernelContext& ctx, const char* name, std::int64_t fallback) {
    return ctx.intAttribute(name, fallback);
}

std::int64_t convOutput(const KernelContext& ctx, std::int64_t in, std::int64_t padding,
                        std::int64_t kernel, std::int64_t stride, std::int64_t dilation) {
    const std::int64_t effective = (kernel - 1) * dilation + 1;
    const std::int64_t padded = in + padding;
    if (padded < effective) ctx.fail("the kernel is larger than the padded input");
    return (padded - effective) / stride + 1;
}

ConvGeometry convGeometry(const KernelContext& ctx, bool depthwise, bool transposed) {
    const auto& input = ctx.input(0);
    const auto& filter = ctx.input(1);
    if (input.rank() != 4 || filter.rank() != 4)
        ctx.fail("input and filter must be 4-d, given " + input.typeText() + " and " +
                 filter.typeText());
    ConvGeometry g;
    g.depthwise = depthwise;
    g.transposed = transposed;
    g.batches = input.dim(0);
    g.inH = input.dim(1);
    g.inW = input.dim(2);
    g.inC = input.dim(3);
    g.kH = attribute(ctx, "kernel_height", filter.dim(1));
    g.kW = attribute(ctx, "kernel_width", filter.dim(2));
    g.strideH = attribute(ctx, "subsampling_height", 1);
    g.strideW = attribute(ctx, "subsampling_width", 1);
    g.dilH = attribute(ctx, "dilation_height", 1);
    g.dilW = attribute(ctx, "dilation_width", 1);
    g.padTop = attribute(ctx, "padding_top", 0);
    g.padLeft = attribute(ctx, "padding_left", 0);
    const std::int64_t padBottom = attribute(ctx, "padding_bottom", 0);
    const std::int64_t padRight = attribute(ctx, "padding_right", 0);
    for (const auto v : {g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW})
        if (v <= 0 || v > (1 << 16))
            ctx.fail("kernel sizes, strides and dilations must be positive");
    for (const auto v : {g.padTop, g.padLeft, padBottom, padRight})
        if (v < 0 || v > (1 << 16)) ctx.fail("paddings must be non-negative and reasonable");
    if (g.kH != filter.dim(1) || g.kW != filter.dim(2))
        ctx.fail("kernel size does not match the filter");
    if (depthwise) {
        g.outC = filter.dim(3);
        if (filter.dim(0) != 1 || g.inC <= 0 || g.outC % g.inC != 0)
            ctx.fail("depthwise filter " + filter.typeText() + " does not fit input " +
                     input.typeText());
        g.groupIn = 1;
        g.groupOut = g.outC;
    } else {
        const std::int64_t groups = std::max<std::int64_t>(1, attribute(ctx, "groups", 1));
        g.outC = filter.dim(0);
        g.groupIn = filter.dim(3);
        if (g.groupIn * groups != g.inC || g.outC % groups != 0)
            ctx.fail("filter " + filter.typeText() + " with " + std::to_string(groups) +
                     " groups does not fit input " + input.typeText());
        g.groupOut = g.outC / groups;
    }
    if (transposed) {
        const auto adjH = attribute(ctx, "adjustment_height", 0);
        const auto adjW = attribute(ctx, "adjustment_width", 0);
        g.outH = g.strideH * (g.inH - 1) + adjH + (g.kH - 1) * g.dilH + 1 - g.padTop - padBottom;
        g.outW = g.strideW * (g.inW - 1) + adjW + (g.kW - 1) * g.dilW + 1 - g.padLeft - padRight;
        if (g.outH <= 0 || g.outW <= 0) ctx.fail("the transposed convolution has an empty output");
    } else {
        g.outH = convOutput(ctx, g.inH, g.padTop + padBottom, g.kH, g.strideH, g.dilH);
        g.outW = convOutput(ctx, g.inW, g.padLeft + padRight, g.kW, g.strideW, g.dilW);
    }
    return g;
}

void convolution(KernelContext& ctx, bool depthwise, bool transposed) {
    runConvolution(ctx, convGeometry(ctx, depthwise, transposed));
}

// [K, N] weights (the transpose-weights flag) as the [N, K] layout the convolution walks.
Tensor transposedWeights(const Tensor& filter) {
    const auto bytes = runtimeElementBytes(filter.dtype());
    const std::int64_t depth = filter.dim(0), outputs = filter.dim(1);
    Tensor result(filter.dtype(), {outputs, depth});
    const auto* source = filter.bytes().data();
    auto* target = result.mutableBytes().data();
    for (std::int64_t k = 0; k < depth; ++k)
        for (std::int64_t n = 0; n < outputs; ++n)
            std::memcpy(target + static_cast<std::size_t>(n * depth + k) * bytes,
                        source + static_cast<std::size_t>(k * outputs + n) * bytes, bytes);
    result.quantization = filter.quantization;
    return result;
}

// FullyConnected as a 1x1 convolution over rows of the input's last axis.
void fullyConnected(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& filter = ctx.input(1);
    if (filter.rank() != 2 || input.rank() == 0)
        ctx.fail("FullyConnected needs a 2-d filter and a ranked input, given " + input.typeText() +
                 " and " + filter.typeText());
    const bool transposed = (ctx.intAttribute("flags", 0) & kTransposeWeights) != 0;
    if (transposed && runtimeElementBytes(filter.dtype()) == 0)
        ctx.fail("transposed weights of " + filter.typeText() + " are not supported");
    const std::int64_t depth = transposed ? filter.dim(0) : filter.dim(1);
    if (depth <= 0 || input.elementCount() % static_cast<std::uint64_t>(depth) != 0)
        ctx.fail("input " + input.typeText() + " does not split into rows of " +
                 std::to_string(depth));
    ConvGeometry g;
    g.batches = static_cast<std::int64_t>(input.elementCount()) / depth;
    g.inC = depth;
    g.outC = transposed ? filter.dim(1) : filter.dim(0);
    g.groupIn = depth;
    g.groupOut = g.outC;
    if (depth > (1 << 15)) ctx.fail("the reduction is larger than the kernel supports");
    // The output keeps the input's leading dimensions.
    Shape shape = input.shape();
    shape.back() = g.outC;
    if (transposed) {
        runConvolution(ctx, g, shape, transposedWeights(filter));
        return;
    }
    runConvolution(ctx, g, shape);
}

} // namespace

void addGemmKernels(KernelRegistry& registry) {
    registry.add("xnnpack.Conv2d", [](KernelContext& ctx) { convolution(ctx, false, false); });
    registry.add("xnnpack.DepthwiseConv2d",
                 [](KernelContext& ctx) { convolution(ctx, true, false); });
    registry.add("xnnpack.ConvTranspose2d",
                 [](KernelContext& ctx) { convolution(ctx, false, true); });
    registry.add("xnnpack.FullyConnected", fullyConnected);
}

} // namespace pteron::runtime::xnnpack
