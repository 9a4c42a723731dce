// TOSA AVG_POOL2D and MAX_POOL2D over NHWC tensors, and their TOSA 1.1 _ADAPTIVE forms that take
// kernel, stride and pad as shape operands. Integer average pooling sums the valid
// (non-padding) taps minus input_zp and divides through reciprocal_scale / apply_scale_32; a float
// average sums in its acc_type (fp16 rounds every step) and divides in it; max pooling never
// sees the padding.
#include "runtime/half_float.hpp"
#include "runtime/kernels/tosa/tosa_convolution_geometry.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"
#include "runtime/kernels/tosa/tosa_scaling.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::tosa {

namespace {

// A pool's kernel [y, x], stride [y, x] and pad [top, bottom, left, right].
struct PoolWindow {
    std::vector<std::int64_t> kernel;
    std::vector<std::int64_t> stride;
    std::vector<std::int64_t> pad;
};

PoolWindow attributeWindow(const KernelContext& ctx) {
    return {sizedInts(ctx, "kernel", 2), sizedInts(ctx, "stride", 2), sizedInts(ctx, "pad", 4)};
}

// The _ADAPTIVE operators: kernel, stride and pad are operands `first`, `first` + 1, + 2.
PoolWindow operandWindow(const KernelContext& ctx, std::size_t first) {
    const auto list = [&](std::size_t operand, std::size_t count, std::string_view what) {
        if (!ctx.hasInput(operand)) ctx.fail("needs its " + std::string(what) + " operand");
        auto values = integersOf(ctx, ctx.input(operand));
        if (values.size() != count)
            ctx.fail(std::string(what) + " must have " + std::to_string(count) + " items, has " +
                     std::to_string(values.size()));
        return values;
    };
    return {list(first, 2, "kernel"), list(first + 1, 2, "stride"), list(first + 2, 4, "pad")};
}

WindowGeometry poolGeometry(const KernelContext& ctx, const Tensor& input,
                            const PoolWindow& window) {
    requireRank(ctx, input, 4, "input");
    WindowGeometry g;
    g.batch = input.dim(0);
    g.in = {1, input.dim(1), input.dim(2)};
    g.kernel = {1, window.kernel[0], window.kernel[1]};
    g.inChannels = g.outChannels = input.dim(3);
    const std::vector<std::int64_t> dilation{1, 1};
    completeWindow(ctx, g, window.pad, window.stride, dilation);
    return g;
}

Shape poolShape(const WindowGeometry& g) {
    return {g.batch, g.out[1], g.out[2], g.outChannels};
}

// Calls visit(pixelIndex, inputPixel) for every valid tap of output pixel (n, oy, ox).
template <typename T, typename Visit>
void forEachTap(const WindowGeometry& g, const T* image, std::int64_t oy, std::int64_t ox,
                const Visit& visit) {
    for (std::int64_t ky = 0; ky < g.kernel[1]; ++ky) {
        const auto y = oy * g.stride[1] - g.padBefore[1] + ky;
        if (y < 0 || y >= g.in[1]) continue;
        for (std::int64_t kx = 0; kx < g.kernel[2]; ++kx) {
            const auto x = ox * g.stride[2] - g.padBefore[2] + kx;
            if (x < 0 || x >= g.in[2]) continue;
            visit(image + (y * g.in[2] + x) * g.inChannels);
        }
    }
}

// Calls window(image, oy, ox, out) for every output pixel, rows split over the pool's threads:
// `image` is the input batch the pixel belongs to and `out` the pixel's output channels.
template <typename In, typename Out, typename Window>
void forEachWindow(const KernelContext& ctx, const WindowGeometry& g, const In* input, Out* output,
                   const Window& window) {
    const auto channels = g.inChannels;
    ctx.pool().parallelFor(g.outRows(), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const auto n = row / g.out[1];
            const auto oy = row % g.out[1];
            const In* image = input + n * g.in[1] * g.in[2] * channels;
            for (std::int64_t ox = 0; ox < g.out[2]; ++ox)
                window(image, oy, ox, output + (row * g.out[2] + ox) * channels);
        }
    });
}

template <typename T>
void averageInteger(const KernelContext& ctx, const WindowGeometry& g, const T* input, T* output,
                    std::int32_t inputZp, std::int64_t outputZp) {
    const auto channels = g.inChannels;
    forEachWindow(
        ctx, g, input, output, [&](const T* image, std::int64_t oy, std::int64_t ox, T* out) {
            std::vector<std::int32_t> acc(static_cast<std::size_t>(channels));
            std::int32_t count = 0;
            forEachTap(g, image, oy, ox, [&](const T* pixel) {
                ++count;
                for (std::int64_t c = 0; c < channels; ++c)
                    acc[static_cast<std::size_t>(c)] +=
                        static_cast<std::int32_t>(pixel[c]) - inputZp;
            });
            if (count == 0) ctx.fail("a pooling window lies entirely in the padding");
            const auto scale = reciprocalScale(count);
            for (std::int64_t c = 0; c < channels; ++c)
                out[c] = saturateTo<T>(applyScale32(acc[static_cast<std::size_t>(c)],
                                                    scale.multiplier, scale.shift, false) +
                                       outputZp);
        });
}

// True when the float accumulator is fp16 (TOSA 1.0 acc_type, TOSA 0.80 accum_dtype).
bool halfAccumulator(const KernelContext& ctx) {
    return ctx.enumAttribute("acc_type", ctx.enumAttribute("accum_dtype")) == "FP16";
}

// acc = acc + value per valid tap, then acc / count, all in acc_t: with an fp16 acc_t every sum
// and the quotient round to fp16. fp32 holds sums and quotients of fp16 values closely enough
// (24 bits >= 2 x 11 + 2) that rounding them to fp16 is the correctly rounded fp16 operation.
void averageFloat(const KernelContext& ctx, const WindowGeometry& g, std::span<const float> in,
                  std::span<float> out, bool half) {
    const auto channels = g.inChannels;
    const auto toAcc = [half](float value) { return half ? roundToHalf(value) : value; };
    forEachWindow(ctx, g, in.data(), out.data(),
                  [&](const float* image, std::int64_t oy, std::int64_t ox, float* o) {
                      int count = 0;
                      forEachTap(g, image, oy, ox, [&](const float* pixel) {
                          ++count;
                          for (std::int64_t c = 0; c < channels; ++c)
                              o[c] = toAcc(o[c] + toAcc(pixel[c]));
                      });
                      if (count == 0) ctx.fail("a pooling window lies entirely in the padding");
                      const float divisor = toAcc(static_cast<float>(count));
                      for (std::int64_t c = 0; c < channels; ++c)
                          o[c] = toAcc(o[c] / divisor);
                  });
}

void averagePool(KernelContext& ctx, const PoolWindow& window) {
    const auto& input = ctx.input(0);
    const auto g = poolGeometry(ctx, input, window);
    const auto shape = poolShape(g);
    checkOutputShape(ctx, 0, shape);
    const auto inputZp = zeroPoint(ctx, 1, "input_zp");
    const auto outputZp = zeroPoint(ctx, 2, "output_zp");
    if (isTosaFloat(input.dtype()) || isTosaFloat8(input.dtype())) {
        const auto outType = outputType(ctx, 0, input.dtype());
        const auto in = floatsOf(ctx, input);
        auto out = floatBuffer(ctx, shape);
        averageFloat(ctx, g, in, out, halfAccumulator(ctx));
        ctx.setOutput(0, floatTensor(ctx, outType, shape, out));
        return;
    }
    // int32 sums stay exact for 2^23 taps of |x - zp| <= 255, or 2^16 taps of int16 values.
    const auto maxTaps = std::int64_t{1} << (input.dtype() == DType::Int8 ? 23 : 16);
    if (g.taps() > maxTaps) ctx.fail("kernel is too large for an int32 sum");
    Tensor output(input.dtype(), shape);
    if (input.dtype() == DType::Int8) {
        if (inputZp < -128 || inputZp > 127 || outputZp < -128 || outputZp > 127)
            ctx.fail("zero points must be int8 values");
        averageInteger(ctx, g, input.elements<std::int8_t>().data(),
                       output.mutableElements<std::int8_t>().data(),
                       static_cast<std::int32_t>(inputZp), outputZp);
    } else if (input.dtype() == DType::Int16) {
        if (inputZp != 0 || outputZp != 0) ctx.fail("int16 zero points must be 0");
        averageInteger(ctx, g, input.elements<std::int16_t>().data(),
                       output.mutableElements<std::int16_t>().data(), 0, 0);
    } else {
        ctx.fail("unsupported input " + input.typeText());
    }
    ctx.setOutput(0, std::move(output));
}

template <typename T>
void maximumInteger(const KernelContext& ctx, const WindowGeometry& g, const T* input, T* output) {
    const auto channels = g.inChannels;
    forEachWindow(ctx, g, input, output,
                  [&](const T* image, std::int64_t oy, std::int64_t ox, T* out) {
                      std::fill(out, out + channels, std::numeric_limits<T>::lowest());
                      forEachTap(g, image, oy, ox, [&](const T* pixel) {
                          for (std::int64_t c = 0; c < channels; ++c)
                              out[c] = std::max(out[c], pixel[c]);
                      });
                  });
}

void maxPool(KernelContext& ctx, const PoolWindow& window) {
    const auto& input = ctx.input(0);
    const auto g = poolGeometry(ctx, input, window);
    const auto shape = poolShape(g);
    checkOutputShape(ctx, 0, shape);
    if (isTosaFloat(input.dtype()) || isTosaFloat8(input.dtype())) {
        const bool ignoreNan = ctx.enumAttribute("nan_mode", "PROPAGATE") == "IGNORE";
        const auto in = floatsOf(ctx, input);
        auto out = floatBuffer(ctx, shape);
        const auto channels = g.inChannels;
        const float nan = std::numeric_limits<float>::quiet_NaN();
        forEachWindow(ctx, g, in.data(), out.data(),
                      [&](const float* image, std::int64_t oy, std::int64_t ox, float* o) {
                          std::fill(o, o + channels, ignoreNan ? nan : -INFINITY);
                          forEachTap(g, image, oy, ox, [&](const float* pixel) {
                              for (std::int64_t c = 0; c < channels; ++c) {
                                  const float v = pixel[c];
                                  if (std::isnan(v)) {
                                      if (!ignoreNan) o[c] = nan;
                                  } else if (std::isnan(o[c])) {
                                      if (ignoreNan) o[c] = v;
                                  } else if (v > o[c]) {
                                      o[c] = v;
                                  }
                              }
                          });
                      });
        ctx.setOutput(0, floatTensor(ctx, input.dtype(), shape, out));
        return;
    }
    Tensor output(input.dtype(), shape);
    if (input.dtype() == DType::Int8)
        maximumInteger(ctx, g, input.elements<std::int8_t>().data(),
                       output.mutableElements<std::int8_t>().data());
    else if (input.dtype() == DType::Int16)
        maximumInteger(ctx, g, input.elements<std::int16_t>().data(),
                       output.mutableElements<std::int16_t>().data());
    else if (input.dtype() == DType::UInt8)
        maximumInteger(ctx, g, input.elements<std::uint8_t>().data(),
                       output.mutableElements<std::uint8_t>().data());
    else
        ctx.fail("unsupported input " + input.typeText());
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addPoolingKernels(KernelRegistry& registry) {
    registry.add("tosa.AVG_POOL2D",
                 [](KernelContext& ctx) { averagePool(ctx, attributeWindow(ctx)); });
    registry.add("tosa.MAX_POOL2D", [](KernelContext& ctx) { maxPool(ctx, attributeWindow(ctx)); });
    // input, input_zp, output_zp, kernel, stride, pad
    registry.add("tosa.AVG_POOL2D_ADAPTIVE",
                 [](KernelContext& ctx) { averagePool(ctx, operandWindow(ctx, 3)); });
    // input, kernel, stride, pad
    registry.add("tosa.MAX_POOL2D_ADAPTIVE",
                 [](KernelContext& ctx) { maxPool(ctx, operandWindow(ctx, 1)); });
}

} // namespace pteron::runtime::tosa
