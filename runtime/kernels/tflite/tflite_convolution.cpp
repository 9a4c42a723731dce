// CONV_2D and DEPTHWISE_CONV_2D: NHWC input, OHWI / 1HWC filters; int8 per-channel (TFLM
// ConvPerChannel / DepthwiseConvPerChannel), int16 activations with int8 filters (the 16x8
// kernels), uint8 per-tensor with filter offsets (TFLite's legacy reference) and fp32.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"
#include "runtime/kernels/tflite/tflite_requantize.hpp"
#include "runtime/kernels/tflite/tflite_window.hpp"

namespace pteron::runtime::tflite {

namespace {

constexpr std::int64_t kMaxReduction = 1 << 16;

struct ConvShape {
    std::int64_t batches = 0, inH = 0, inW = 0, inC = 0;
    std::int64_t outC = 0, kH = 0, kW = 0, filterC = 0;
    Window2d window;
};

// Checks NHWC input, 4-d filter and bias; `depthwise` filters are [1, KH, KW, OC].
ConvShape convShape(const KernelContext& ctx, bool depthwise) {
    const auto& input = ctx.input(0);
    const auto& filter = ctx.input(1);
    if (input.rank() != 4 || filter.rank() != 4)
        ctx.fail("input and filter must be 4-d, given " + input.typeText() + " and " +
                 filter.typeText());
    ConvShape s;
    s.batches = input.dim(0);
    s.inH = input.dim(1);
    s.inW = input.dim(2);
    s.inC = input.dim(3);
    s.outC = depthwise ? filter.dim(3) : filter.dim(0);
    s.kH = filter.dim(1);
    s.kW = filter.dim(2);
    s.filterC = depthwise ? 1 : filter.dim(3);
    if (depthwise) {
        if (filter.dim(0) != 1 || s.inC == 0 || s.outC % s.inC != 0)
            ctx.fail("depthwise filter " + filter.typeText() + " does not fit input " +
                     input.typeText());
    } else if (s.filterC <= 0 || s.inC % s.filterC != 0 || s.outC % (s.inC / s.filterC) != 0) {
        ctx.fail("filter " + filter.typeText() + " does not fit input " + input.typeText());
    }
    // int8 products are below 2^15, so int32 sums of up to 2^16 of them cannot overflow.
    if (s.kH * s.kW * s.filterC > kMaxReduction)
        ctx.fail("a reduction over " + std::to_string(s.kH * s.kW * s.filterC) +
                 " taps is larger than the kernel supports");
    s.window = window2d(ctx, s.inH, s.inW, s.kH, s.kW, true);
    if (ctx.hasInput(2) && ctx.input(2).elementCount() != static_cast<std::uint64_t>(s.outC))
        ctx.fail("bias " + ctx.input(2).typeText() + " needs " + std::to_string(s.outC) +
                 " elements");
    return s;
}

// Calls accumulate(inputOffset, filterOffset, count, inputStride) over one output's taps;
// inputs are NHWC, so one tap is `count` contiguous input channels.
struct Tap {
    std::int64_t inputOffset;
    std::int64_t filterOffset;
};

// Visits every valid tap of output (oy, ox): padding taps are skipped, which equals padding
// with the input zero point.
template <typename Visit>
void forEachTap(const ConvShape& s, std::int64_t batch, std::int64_t oy, std::int64_t ox,
                std::int64_t filterTapStride, Visit&& visit) {
    const auto& h = s.window.height;
    const auto& w = s.window.width;
    const std::int64_t y0 = oy * h.stride - h.padBefore;
    const std::int64_t x0 = ox * w.stride - w.padBefore;
    for (std::int64_t ky = 0; ky < s.kH; ++ky) {
        const std::int64_t y = y0 + ky * h.dilation;
        if (y < 0 || y >= s.inH) continue;
        for (std::int64_t kx = 0; kx < s.kW; ++kx) {
            const std::int64_t x = x0 + kx * w.dilation;
            if (x < 0 || x >= s.inW) continue;
            visit(
                Tap{((batch * s.inH + y) * s.inW + x) * s.inC, (ky * s.kW + kx) * filterTapStride});
        }
    }
}

template <typename T> const T* dataOf(const KernelContext& ctx, std::size_t index, DType dtype) {
    const auto& tensor = ctx.input(index);
    if (tensor.dtype() != dtype)
        ctx.fail("operand " + std::to_string(index) + " must be " + std::string(dtypeName(dtype)) +
                 ", given " + tensor.typeText());
    return tensor.elements<T>().data();
}

// Runs body(batch, oy, ox, outputIndex) in parallel over batch x output rows.
template <typename Body>
void forEachOutput(const KernelContext& ctx, const ConvShape& s, Body&& body) {
    const std::int64_t outH = s.window.height.output;
    const std::int64_t outW = s.window.width.output;
    ctx.pool().parallelFor(s.batches * outH, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const std::int64_t batch = row / outH;
            const std::int64_t oy = row % outH;
            for (std::int64_t ox = 0; ox < outW; ++ox)
                body(batch, oy, ox, ((batch * outH + oy) * outW + ox) * s.outC);
        }
    });
}

Tensor outputTensor(const ConvShape& s, DType dtype) {
    return Tensor(dtype, {s.batches, s.window.height.output, s.window.width.output, s.outC});
}

void convInt8(KernelContext& ctx, const ConvShape& s, bool depthwise) {
    const auto* input = dataOf<std::int8_t>(ctx, 0, DType::Int8);
    const auto* filter = dataOf<std::int8_t>(ctx, 1, DType::Int8);
    const std::int32_t* bias =
        ctx.hasInput(2) ? dataOf<std::int32_t>(ctx, 2, DType::Int32) : nullptr;
    const std::int32_t inputOffset = -inputQuantization(ctx, 0).zeroPoint;
    // With int8 zero points a product stays below 2^15, which the reduction bound relies on.
    if (inputOffset < -127 || inputOffset > 128) ctx.fail("the input zero point is not int8");
    const auto requantize = channelRequantization(ctx, 0, 1, static_cast<std::size_t>(s.outC));
    auto out = outputTensor(s, DType::Int8);
    auto* result = out.mutableElements<std::int8_t>().data();
    const std::int64_t groupOut = depthwise ? 0 : s.outC / (s.inC / s.filterC);
    const std::int64_t multiplier = depthwise ? s.outC / s.inC : 0;
    forEachOutput(ctx, s,
                  [&](std::int64_t batch, std::int64_t oy, std::int64_t ox, std::int64_t at) {
                      for (std::int64_t oc = 0; oc < s.outC; ++oc) {
                          std::int32_t acc = 0;
                          if (depthwise) {
                              const std::int64_t ic = oc / multiplier;
                              forEachTap(s, batch, oy, ox, s.outC, [&](const Tap& tap) {
                                  acc += (input[tap.inputOffset + ic] + inputOffset) *
                                         filter[tap.filterOffset + oc];
                              });
                          } else {
                              const std::int64_t firstChannel = (oc / groupOut) * s.filterC;
                              const std::int8_t* weights = filter + oc * s.kH * s.kW * s.filterC;
                              forEachTap(s, batch, oy, ox, s.filterC, [&](const Tap& tap) {
                                  const std::int8_t* in = input + tap.inputOffset + firstChannel;
                                  const std::int8_t* w = weights + tap.filterOffset;
                                  for (std::int64_t ic = 0; ic < s.filterC; ++ic)
                                      acc += (in[ic] + inputOffset) * w[ic];
                              });
                          }
                          if (bias) acc = wrappingAdd(acc, bias[oc]);
                          result[at + oc] = requantize.apply(acc, static_cast<std::size_t>(oc));
                      }
                  });
    ctx.setOutput(0, std::move(out));
}

// int16 x int8 (no offsets; int64 accumulator and rescale for depthwise or an int64 bias, the
// int32 ones otherwise) and uint8 x uint8 (input and filter offsets, int32 bias).
void convWide(KernelContext& ctx, const ConvShape& s, bool depthwise) {
    const auto type = ctx.input(0).dtype();
    const bool int16 = type == DType::Int16;
    const auto filterType = ctx.input(1).dtype();
    if (filterType != (int16 ? DType::Int8 : DType::UInt8))
        ctx.fail(std::string(int16 ? "int16 input needs an int8 filter"
                                   : "uint8 input needs a uint8 filter") +
                 ", given " + ctx.input(1).typeText());
    if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the input");
    const auto inQ = inputQuantization(ctx, 0);
    if (int16 && (inQ.zeroPoint != 0 || outputQuantization(ctx, 0).zeroPoint != 0))
        ctx.fail("int16 activations need zero points 0");
    const std::int32_t inputOffset = int16 ? 0 : -inQ.zeroPoint;
    const std::int32_t filterOffset = int16 ? 0 : -inputQuantization(ctx, 1).zeroPoint;
    // 16x8 depthwise always accumulates in int64; 16x8 CONV_2D only with an int64 bias.
    std::vector<std::int64_t> bias;
    bool int64Accumulator = int16 && depthwise;
    if (ctx.hasInput(2)) {
        bias = widenedBias(ctx, ctx.input(2));
        const bool wideBias = ctx.input(2).dtype() == DType::Int64;
        if (wideBias && !int16) ctx.fail("uint8 convolutions need an int32 bias");
        int64Accumulator = int64Accumulator || wideBias;
    }
    const auto input = widened(ctx, ctx.input(0));
    const auto filter = widened(ctx, ctx.input(1));
    const auto requantize =
        channelRequantization(ctx, 0, 1, static_cast<std::size_t>(s.outC), typeLimits(ctx, type));
    std::vector<std::int32_t> result(static_cast<std::size_t>(s.batches * s.window.height.output *
                                                              s.window.width.output * s.outC));
    const std::int64_t groupOut = depthwise ? 0 : s.outC / (s.inC / s.filterC);
    const std::int64_t multiplier = depthwise ? s.outC / s.inC : 0;
    forEachOutput(
        ctx, s, [&](std::int64_t batch, std::int64_t oy, std::int64_t ox, std::int64_t at) {
            for (std::int64_t oc = 0; oc < s.outC; ++oc) {
                std::int64_t acc = 0;
                if (depthwise) {
                    const std::int64_t ic = oc / multiplier;
                    forEachTap(s, batch, oy, ox, s.outC, [&](const Tap& tap) {
                        acc += std::int64_t{input[static_cast<std::size_t>(tap.inputOffset + ic)] +
                                            inputOffset} *
                               (filter[static_cast<std::size_t>(tap.filterOffset + oc)] +
                                filterOffset);
                    });
                } else {
                    const std::int64_t firstChannel = (oc / groupOut) * s.filterC;
                    const std::int64_t weights = oc * s.kH * s.kW * s.filterC;
                    forEachTap(s, batch, oy, ox, s.filterC, [&](const Tap& tap) {
                        const auto* in = input.data() + tap.inputOffset + firstChannel;
                        const auto* w = filter.data() + weights + tap.filterOffset;
                        for (std::int64_t ic = 0; ic < s.filterC; ++ic)
                            acc += std::int64_t{in[ic] + inputOffset} * (w[ic] + filterOffset);
                    });
                }
                if (!bias.empty()) acc += bias[static_cast<std::size_t>(oc)];
                result[static_cast<std::size_t>(at + oc)] =
                    requantize.applyWide(acc, static_cast<std::size_t>(oc), int64Accumulator);
            }
        });
    ctx.setOutput(0, narrowed(ctx, type,
                              {s.batches, s.window.height.output, s.window.width.output, s.outC},
                              result));
}

void convFloat(KernelContext& ctx, const ConvShape& s, bool depthwise) {
    const auto* input = dataOf<float>(ctx, 0, DType::Float32);
    const auto* filter = dataOf<float>(ctx, 1, DType::Float32);
    const float* bias = ctx.hasInput(2) ? dataOf<float>(ctx, 2, DType::Float32) : nullptr;
    const auto range = floatActivationRange(ctx);
    auto out = outputTensor(s, DType::Float32);
    auto* result = out.mutableElements<float>().data();
    const std::int64_t groupOut = depthwise ? 0 : s.outC / (s.inC / s.filterC);
    const std::int64_t multiplier = depthwise ? s.outC / s.inC : 0;
    forEachOutput(
        ctx, s, [&](std::int64_t batch, std::int64_t oy, std::int64_t ox, std::int64_t at) {
            for (std::int64_t oc = 0; oc < s.outC; ++oc) {
                float acc = 0;
                if (depthwise) {
                    const std::int64_t ic = oc / multiplier;
                    forEachTap(s, batch, oy, ox, s.outC, [&](const Tap& tap) {
                        acc += input[tap.inputOffset + ic] * filter[tap.filterOffset + oc];
                    });
                } else {
                    const std::int64_t firstChannel = (oc / groupOut) * s.filterC;
                    const float* weights = filter + oc * s.kH * s.kW * s.filterC;
                    forEachTap(s, batch, oy, ox, s.filterC, [&](const Tap& tap) {
                        const float* in = input + tap.inputOffset + firstChannel;
                        const float* w = weights + tap.filterOffset;
                        for (std::int64_t ic = 0; ic < s.filterC; ++ic)
                            acc += in[ic] * w[ic];
                    });
                }
                if (bias) acc += bias[oc];
                result[at + oc] = std::clamp(acc, range.min, range.max);
            }
        });
    ctx.setOutput(0, std::move(out));
}

void convolution(KernelContext& ctx, bool depthwise) {
    const auto shape = convShape(ctx, depthwise);
    switch (ctx.input(0).dtype()) {
    case DType::Int8:
        return convInt8(ctx, shape, depthwise);
    case DType::Int16:
    case DType::UInt8:
        return convWide(ctx, shape, depthwise);
    case DType::Float32:
        return convFloat(ctx, shape, depthwise);
    default:
        ctx.fail("input type " + ctx.input(0).typeText() +
                 " is not supported (int8, int16, uint8, fp32)");
    }
}

} // namespace

void addConvolutionKernels(KernelRegistry& registry) {
    registry.add("tflite.CONV_2D", [](KernelContext& ctx) { convolution(ctx, false); });
    registry.add("tflite.DEPTHWISE_CONV_2D", [](KernelContext& ctx) { convolution(ctx, true); });
}

} // namespace pteron::runtime::tflite
