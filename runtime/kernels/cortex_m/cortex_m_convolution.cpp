// cortex_m::quantized_conv2d, quantized_depthwise_conv2d and quantized_transpose_conv2d: int8
// NHWC convolutions with per-channel requantisation, as arm_convolve_wrapper_s8,
// arm_depthwise_conv_wrapper_s8 and arm_transpose_conv_s8 compute them (padding positions
// contribute nothing; acc = bias + Σ (x + input_offset) * w).
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/cortex_m/cmsis_requantize.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

namespace pteron::runtime::cortex_m {

namespace {

struct Window {
    std::int64_t strideH = 1, strideW = 1, padH = 0, padW = 0, dilationH = 1, dilationW = 1;
};

Window windowArguments(const KernelContext& ctx, std::size_t first) {
    const auto stride = aten::intListArgument(ctx, first);
    const auto padding = aten::intListArgument(ctx, first + 1);
    const auto dilation = aten::intListArgument(ctx, first + 2);
    if (stride.size() != 2 || padding.size() != 2 || dilation.size() != 2)
        ctx.fail("stride, padding and dilation must each have 2 entries");
    Window window{stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1]};
    if (window.strideH <= 0 || window.strideW <= 0 || window.dilationH <= 0 ||
        window.dilationW <= 0 || window.padH < 0 || window.padW < 0)
        ctx.fail("stride and dilation must be positive and padding non-negative");
    return window;
}

std::int64_t outputExtent(const KernelContext& ctx, std::int64_t input, std::int64_t kernel,
                          std::int64_t stride, std::int64_t pad, std::int64_t dilation) {
    const auto span = dilation * (kernel - 1) + 1;
    if (input + 2 * pad < span) ctx.fail("the kernel does not fit the padded input");
    return (input + 2 * pad - span) / stride + 1;
}

struct Requantization {
    std::vector<std::int32_t> multipliers;
    std::vector<std::int32_t> shifts;
    std::vector<std::int32_t> bias;
    std::int32_t inputOffset = 0, outputOffset = 0, low = -128, high = 127;
};

std::int8_t finish(const Requantization& q, std::int64_t channel, std::int64_t accumulator) {
    const auto c = static_cast<std::size_t>(channel);
    // The target accumulates in 32 bits; wrap the same way.
    auto acc = static_cast<std::int32_t>(
        static_cast<std::uint32_t>(static_cast<std::uint64_t>(accumulator)));
    acc = armNnRequantize(acc, q.multipliers[c], q.shifts[c]);
    acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) +
                                    static_cast<std::uint32_t>(q.outputOffset));
    return clampToInt8(acc, q.low, q.high);
}

Requantization requantization(const KernelContext& ctx, std::int64_t channels, std::size_t offsets,
                              std::size_t multipliers, std::size_t limits) {
    Requantization q;
    q.inputOffset = static_cast<std::int32_t>(aten::intArgument(ctx, offsets));
    q.outputOffset = static_cast<std::int32_t>(aten::intArgument(ctx, offsets + 1));
    q.multipliers = int32Parameters(ctx, multipliers, channels);
    q.shifts = int32Parameters(ctx, multipliers + 1, channels);
    checkShifts(ctx, q.shifts);
    q.low = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(aten::intArgument(ctx, limits), -128, 127));
    q.high = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(aten::intArgument(ctx, limits + 1), -128, 127));
    if (q.low > q.high) ctx.fail("activation_min exceeds activation_max");
    if (std::abs(static_cast<std::int64_t>(q.inputOffset)) > 255 ||
        std::abs(static_cast<std::int64_t>(q.outputOffset)) > 255)
        ctx.fail("input and output offsets must lie in [-255, 255]");
    q.bias = aten::hasArgument(ctx, 2)
                 ? int32Parameters(ctx, 2, channels)
                 : std::vector<std::int32_t>(static_cast<std::size_t>(channels), 0);
    return q;
}

const std::int8_t* int8Data(const KernelContext& ctx, const Tensor& tensor) {
    if (tensor.dtype() != DType::Int8) ctx.fail("expects int8 weights, given " + tensor.typeText());
    return reinterpret_cast<const std::int8_t*>(tensor.bytes().data());
}

// The output extent of a direct (not transposed) convolution over an NHWC input.
struct Extent {
    std::int64_t kh = 1, kw = 1, oh = 1, ow = 1, outChannels = 1;
    Window window;
};

Extent extentOf(const KernelContext& ctx, const NhwcTensor& in, std::int64_t kh, std::int64_t kw,
                std::int64_t outChannels, const Window& window) {
    return {kh,
            kw,
            outputExtent(ctx, in.h, kh, window.strideH, window.padH, window.dilationH),
            outputExtent(ctx, in.w, kw, window.strideW, window.padW, window.dilationW),
            outChannels,
            window};
}

// Every output of a direct convolution: acc = bias + the sum of `tap(pixel, ky, kx, oc)` over
// the kernel taps inside the input, where `pixel` points at the input pixel's first channel.
template <typename Tap>
void convolveNhwc(KernelContext& ctx, const NhwcTensor& in, const Extent& e,
                  const Requantization& q, Tap tap) {
    const auto* x = in.data();
    const auto& window = e.window;
    std::vector<std::int8_t> out(
        static_cast<std::size_t>(elementCountOf({in.n, e.oh, e.ow, e.outChannels})));
    ctx.pool().parallelFor(in.n * e.oh, [&](std::int64_t begin, std::int64_t end) {
        for (auto row = begin; row < end; ++row) {
            const auto b = row / e.oh;
            const auto oy = row % e.oh;
            for (std::int64_t ox = 0; ox < e.ow; ++ox)
                for (std::int64_t oc = 0; oc < e.outChannels; ++oc) {
                    std::int64_t acc = q.bias[static_cast<std::size_t>(oc)];
                    for (std::int64_t ky = 0; ky < e.kh; ++ky) {
                        const auto iy = oy * window.strideH - window.padH + ky * window.dilationH;
                        if (iy < 0 || iy >= in.h) continue;
                        for (std::int64_t kx = 0; kx < e.kw; ++kx) {
                            const auto ix =
                                ox * window.strideW - window.padW + kx * window.dilationW;
                            if (ix < 0 || ix >= in.w) continue;
                            acc += tap(x + ((b * in.h + iy) * in.w + ix) * in.c, ky, kx, oc);
                        }
                    }
                    out[static_cast<std::size_t>(((b * e.oh + oy) * e.ow + ox) * e.outChannels +
                                                 oc)] = finish(q, oc, acc);
                }
        }
    });
    setNhwcOutput(ctx, 0, out, in.n, e.outChannels, e.oh, e.ow);
}

// (input, weight [OC,KH,KW,IC/groups], bias?, stride, padding, dilation, input_offset,
//  output_offset, multipliers, shifts, activation_min, activation_max, scratch)
void convolution(KernelContext& ctx) {
    const auto in = nhwcInput(ctx, 0);
    const auto& weightTensor = aten::tensorArgument(ctx, 1);
    if (weightTensor.rank() != 4)
        ctx.fail("expects OHWI weights, given " + weightTensor.typeText());
    const auto outChannels = weightTensor.dim(0), kh = weightTensor.dim(1),
               kw = weightTensor.dim(2);
    const auto groupChannels = weightTensor.dim(3);
    if (groupChannels <= 0 || in.c % groupChannels != 0 ||
        outChannels % (in.c / groupChannels) != 0)
        ctx.fail("weights " + weightTensor.typeText() + " do not fit input channels " +
                 std::to_string(in.c));
    const auto groups = in.c / groupChannels;
    const auto perGroup = outChannels / groups;
    const auto q = requantization(ctx, outChannels, 6, 8, 10);
    const auto extent = extentOf(ctx, in, kh, kw, outChannels, windowArguments(ctx, 3));
    const auto* w = int8Data(ctx, weightTensor);
    convolveNhwc(ctx, in, extent, q,
                 [&](const std::int8_t* pixel, std::int64_t ky, std::int64_t kx, std::int64_t oc) {
                     const auto* filter = w + ((oc * kh + ky) * kw + kx) * groupChannels;
                     pixel += (oc / perGroup) * groupChannels;
                     std::int64_t sum = 0;
                     for (std::int64_t ic = 0; ic < groupChannels; ++ic)
                         sum += (static_cast<std::int64_t>(pixel[ic]) + q.inputOffset) * filter[ic];
                     return sum;
                 });
}

// (input, weight [1,KH,KW,OC], bias?, stride, padding, dilation, depth_multiplier,
//  input_offset, output_offset, multipliers, shifts, activation_min, activation_max, scratch)
void depthwiseConvolution(KernelContext& ctx) {
    const auto in = nhwcInput(ctx, 0);
    const auto& weightTensor = aten::tensorArgument(ctx, 1);
    if (weightTensor.rank() != 4 || weightTensor.dim(0) != 1)
        ctx.fail("expects [1,KH,KW,OC] weights, given " + weightTensor.typeText());
    const auto kh = weightTensor.dim(1), kw = weightTensor.dim(2),
               outChannels = weightTensor.dim(3);
    const auto multiplier = aten::intArgument(ctx, 6);
    if (multiplier <= 0 || outChannels != in.c * multiplier)
        ctx.fail("output channels " + std::to_string(outChannels) + " are not input channels " +
                 std::to_string(in.c) + " times the depth multiplier " +
                 std::to_string(multiplier));
    const auto q = requantization(ctx, outChannels, 7, 9, 11);
    const auto extent = extentOf(ctx, in, kh, kw, outChannels, windowArguments(ctx, 3));
    const auto* w = int8Data(ctx, weightTensor);
    convolveNhwc(ctx, in, extent, q,
                 [&](const std::int8_t* pixel, std::int64_t ky, std::int64_t kx, std::int64_t oc) {
                     const auto value = static_cast<std::int64_t>(pixel[oc / multiplier]);
                     return (value + q.inputOffset) * w[(ky * kw + kx) * outChannels + oc];
                 });
}

// (input, weight [OC,KH,KW,IC], bias?, stride, padding, output_padding, dilation, input_offset,
//  output_offset, multipliers, shifts, activation_min, activation_max, scratch, output_scratch)
// Input pixel (iy, ix) adds into output (iy * stride + ky - pad, ix * stride + kx - pad); the
// output size is PyTorch's, output_padding only extending it. arm_transpose_conv_s8 has no
// dilation, so only 1 is accepted.
void transposeConvolution(KernelContext& ctx) {
    const auto in = nhwcInput(ctx, 0);
    const auto& weightTensor = aten::tensorArgument(ctx, 1);
    if (weightTensor.rank() != 4 || weightTensor.dim(3) != in.c)
        ctx.fail("expects [OC,KH,KW,IC] weights for " + std::to_string(in.c) +
                 " input channels, given " + weightTensor.typeText());
    const auto outChannels = weightTensor.dim(0), kh = weightTensor.dim(1),
               kw = weightTensor.dim(2);
    const auto stride = aten::intListArgument(ctx, 3);
    const auto padding = aten::intListArgument(ctx, 4);
    const auto outputPadding = aten::intListArgument(ctx, 5);
    const auto dilation = aten::intListArgument(ctx, 6);
    if (stride.size() != 2 || padding.size() != 2 || outputPadding.size() != 2 ||
        dilation.size() != 2)
        ctx.fail("stride, padding, output_padding and dilation must each have 2 entries");
    if (stride[0] <= 0 || stride[1] <= 0 || padding[0] < 0 || padding[1] < 0 ||
        outputPadding[0] < 0 || outputPadding[1] < 0)
        ctx.fail("stride must be positive, padding and output_padding non-negative");
    if (dilation[0] != 1 || dilation[1] != 1)
        ctx.fail("transposed convolution supports dilation 1 only (as arm_transpose_conv_s8)");
    const auto q = requantization(ctx, outChannels, 7, 9, 11);
    const auto oh = (in.h - 1) * stride[0] - 2 * padding[0] + kh + outputPadding[0];
    const auto ow = (in.w - 1) * stride[1] - 2 * padding[1] + kw + outputPadding[1];
    if (oh <= 0 || ow <= 0 || oh > (1 << 20) || ow > (1 << 20))
        ctx.fail("the output would have " + std::to_string(oh) + " x " + std::to_string(ow) +
                 " pixels");
    const auto* x = in.data();
    const auto* w = int8Data(ctx, weightTensor);
    const auto plane = oh * ow * outChannels;
    std::vector<std::int8_t> out(static_cast<std::size_t>(in.n * plane));
    ctx.pool().parallelFor(in.n, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int64_t> acc(static_cast<std::size_t>(plane));
        for (auto b = begin; b < end; ++b) {
            for (std::int64_t k = 0; k < plane; ++k)
                acc[static_cast<std::size_t>(k)] =
                    q.bias[static_cast<std::size_t>(k % outChannels)];
            for (std::int64_t iy = 0; iy < in.h; ++iy)
                for (std::int64_t ix = 0; ix < in.w; ++ix) {
                    const auto* pixel = x + ((b * in.h + iy) * in.w + ix) * in.c;
                    for (std::int64_t ky = 0; ky < kh; ++ky) {
                        const auto oy = iy * stride[0] + ky - padding[0];
                        if (oy < 0 || oy >= oh) continue;
                        for (std::int64_t kx = 0; kx < kw; ++kx) {
                            const auto ox = ix * stride[1] + kx - padding[1];
                            if (ox < 0 || ox >= ow) continue;
                            auto* target = acc.data() + (oy * ow + ox) * outChannels;
                            for (std::int64_t oc = 0; oc < outChannels; ++oc) {
                                const auto* filter = w + ((oc * kh + ky) * kw + kx) * in.c;
                                std::int64_t sum = 0;
                                for (std::int64_t ic = 0; ic < in.c; ++ic)
                                    sum += (static_cast<std::int64_t>(pixel[ic]) + q.inputOffset) *
                                           filter[ic];
                                target[oc] += sum;
                            }
                        }
                    }
                }
            for (std::int64_t k = 0; k < plane; ++k)
                out[static_cast<std::size_t>(b * plane + k)] =
                    finish(q, k % outChannels, acc[static_cast<std::size_t>(k)]);
        }
    });
    setNhwcOutput(ctx, 0, out, in.n, outChannels, oh, ow);
}

} // namespace

void addCortexMConvolutionKernels(KernelRegistry& registry) {
    registry.add("cortex_m::quantized_conv2d.out", convolution);
    registry.add("cortex_m::quantized_depthwise_conv2d.out", depthwiseConvolution);
    registry.add("cortex_m::quantized_transpose_conv2d.out", transposeConvolution);
}

} // namespace pteron::runtime::cortex_m
