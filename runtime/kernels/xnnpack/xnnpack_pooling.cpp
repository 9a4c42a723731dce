// AvgPooling2d and GlobalAvgPooling2d (averages over valid, non-padding pixels), MaxPooling2d
// and ArgMaxPooling2d on NHWC tensors. Quantised average pooling requantises the zero-point
// corrected sum in fp32; max pooling compares raw values.
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"
#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::xnnpack {

namespace {

struct PoolGeometry {
    std::int64_t batches = 0, inH = 0, inW = 0, channels = 0;
    std::int64_t kH = 1, kW = 1, strideH = 1, strideW = 1, dilH = 1, dilW = 1;
    std::int64_t padTop = 0, padLeft = 0, outH = 0, outW = 0;
};

PoolGeometry poolGeometry(const KernelContext& ctx, bool argmax) {
    const auto& input = ctx.input(0);
    if (input.rank() != 4) ctx.fail("input must be 4-d NHWC, given " + input.typeText());
    PoolGeometry g{input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
    g.kH = ctx.intAttribute("pooling_height", 1);
    g.kW = ctx.intAttribute("pooling_width", 1);
    g.strideH = argmax ? g.kH : ctx.intAttribute("stride_height", 1);
    g.strideW = argmax ? g.kW : ctx.intAttribute("stride_width", 1);
    g.dilH = ctx.intAttribute("dilation_height", 1);
    g.dilW = ctx.intAttribute("dilation_width", 1);
    g.padTop = ctx.intAttribute("padding_top", 0);
    g.padLeft = ctx.intAttribute("padding_left", 0);
    const auto padBottom = ctx.intAttribute("padding_bottom", 0);
    const auto padRight = ctx.intAttribute("padding_right", 0);
    for (const auto v : {g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW})
        if (v <= 0 || v > (1 << 16))
            ctx.fail("pooling sizes, strides and dilations must be positive");
    for (const auto v : {g.padTop, g.padLeft, padBottom, padRight})
        if (v < 0 || v > (1 << 16)) ctx.fail("paddings must be non-negative and reasonable");
    const auto out = [&](std::int64_t in, std::int64_t pad, std::int64_t k, std::int64_t s,
                         std::int64_t d) {
        const std::int64_t effective = (k - 1) * d + 1;
        if (in + pad < effective) ctx.fail("the pooling window is larger than the padded input");
        return (in + pad - effective) / s + 1;
    };
    g.outH = out(g.inH, g.padTop + padBottom, g.kH, g.strideH, g.dilH);
    g.outW = out(g.inW, g.padLeft + padRight, g.kW, g.strideW, g.dilW);
    return g;
}

// visit(outIndex, tapIndices) for every output element; taps are valid input element indices.
template <typename Visit> void forEachWindow(const PoolGeometry& g, Visit&& visit) {
    std::vector<std::int64_t> taps;
    for (std::int64_t b = 0; b < g.batches; ++b)
        for (std::int64_t oy = 0; oy < g.outH; ++oy)
            for (std::int64_t ox = 0; ox < g.outW; ++ox)
                for (std::int64_t c = 0; c < g.channels; ++c) {
                    taps.clear();
                    for (std::int64_t ky = 0; ky < g.kH; ++ky) {
                        const std::int64_t y = oy * g.strideH - g.padTop + ky * g.dilH;
                        if (y < 0 || y >= g.inH) continue;
                        for (std::int64_t kx = 0; kx < g.kW; ++kx) {
                            const std::int64_t x = ox * g.strideW - g.padLeft + kx * g.dilW;
                            if (x < 0 || x >= g.inW) continue;
                            taps.push_back(((b * g.inH + y) * g.inW + x) * g.channels + c);
                        }
                    }
                    visit(((b * g.outH + oy) * g.outW + ox) * g.channels + c, taps);
                }
}

Tensor integerTensor(DType type, const Shape& shape, const std::vector<std::int32_t>& values) {
    Tensor out(type, shape);
    auto bytes = out.mutableBytes();
    for (std::size_t i = 0; i < values.size(); ++i)
        bytes[i] = static_cast<std::byte>(static_cast<std::uint8_t>(values[i] & 0xff));
    return out;
}

void averagePool(KernelContext& ctx, const PoolGeometry& g) {
    const auto& input = ctx.input(0);
    const Shape shape{g.batches, g.outH, g.outW, g.channels};
    const auto outType =
        ctx.outputValue(0).dtype == DType::Unknown ? input.dtype() : ctx.outputValue(0).dtype;
    if (isFloatType(input.dtype())) {
        const auto x = floatsOf(ctx, input);
        const auto clamp = outputClamp(ctx);
        std::vector<float> out(static_cast<std::size_t>(elementCountOf(shape)));
        forEachWindow(g, [&](std::int64_t o, const std::vector<std::int64_t>& taps) {
            float sum = 0;
            for (const auto t : taps)
                sum += x[static_cast<std::size_t>(t)];
            const float average = taps.empty() ? 0.0f : sum / static_cast<float>(taps.size());
            out[static_cast<std::size_t>(o)] = std::clamp(average, clamp.min, clamp.max);
        });
        ctx.setOutput(0, floatTensor(isFloatType(outType) ? outType : input.dtype(), shape, out));
        return;
    }
    const auto inQ = inputQuantization(ctx, 0);
    const auto outQ = outputQuantization(ctx, 0);
    if (inQ.scales.empty() || outQ.scales.empty()) ctx.fail("quantised pooling needs scales");
    const std::int32_t inZp = inQ.zeroPoints.empty() ? 0 : inQ.zeroPoints[0];
    const std::int32_t outZp = outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0];
    const auto range = quantizedClamp(ctx, outQ.scales[0], outZp, outType);
    const auto x = integersOf(ctx, input);
    std::vector<std::int32_t> out(static_cast<std::size_t>(elementCountOf(shape)));
    forEachWindow(g, [&](std::int64_t o, const std::vector<std::int64_t>& taps) {
        std::int64_t wide = 0;
        for (const auto t : taps)
            wide += x[static_cast<std::size_t>(t)] - inZp;
        const auto sum = static_cast<std::int32_t>(wide);
        const float scale =
            inQ.scales[0] /
            (outQ.scales[0] * static_cast<float>(std::max<std::size_t>(taps.size(), 1)));
        out[static_cast<std::size_t>(o)] = requantize(sum, scale, outZp, range);
    });
    ctx.setOutput(0, integerTensor(outType, shape, out));
}

void averagePooling(KernelContext& ctx) {
    averagePool(ctx, poolGeometry(ctx, false));
}

void globalAveragePooling(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    if (input.rank() != 4) ctx.fail("input must be 4-d NHWC, given " + input.typeText());
    PoolGeometry g{input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
    g.kH = g.inH;
    g.kW = g.inW;
    g.outH = 1;
    g.outW = 1;
    averagePool(ctx, g);
}

void maxPooling(KernelContext& ctx, bool argmax) {
    const auto& input = ctx.input(0);
    const auto g = poolGeometry(ctx, argmax);
    const Shape shape{g.batches, g.outH, g.outW, g.channels};
    const auto outType =
        ctx.outputValue(0).dtype == DType::Unknown ? input.dtype() : ctx.outputValue(0).dtype;
    std::vector<std::int32_t> indices(static_cast<std::size_t>(elementCountOf(shape)));
    if (isFloatType(input.dtype())) {
        const auto x = floatsOf(ctx, input);
        const auto clamp = outputClamp(ctx);
        std::vector<float> out(indices.size());
        forEachWindow(g, [&](std::int64_t o, const std::vector<std::int64_t>& taps) {
            float best = -std::numeric_limits<float>::infinity();
            std::int32_t where = 0;
            for (std::size_t t = 0; t < taps.size(); ++t)
                if (x[static_cast<std::size_t>(taps[t])] > best) {
                    best = x[static_cast<std::size_t>(taps[t])];
                    where = static_cast<std::int32_t>(t);
                }
            out[static_cast<std::size_t>(o)] = std::clamp(best, clamp.min, clamp.max);
            indices[static_cast<std::size_t>(o)] = where;
        });
        ctx.setOutput(0, floatTensor(isFloatType(outType) ? outType : input.dtype(), shape, out));
    } else {
        const auto x = integersOf(ctx, input);
        const auto outQ = outputQuantization(ctx, 0);
        const auto range =
            outQ.scales.empty()
                ? typeRange(outType)
                : quantizedClamp(ctx, outQ.scales[0],
                                 outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0], outType);
        std::vector<std::int32_t> out(indices.size());
        forEachWindow(g, [&](std::int64_t o, const std::vector<std::int64_t>& taps) {
            std::int32_t best = std::numeric_limits<std::int32_t>::min();
            for (const auto t : taps)
                best = std::max(best, x[static_cast<std::size_t>(t)]);
            out[static_cast<std::size_t>(o)] = std::clamp(best, range.min, range.max);
        });
        ctx.setOutput(0, integerTensor(outType, shape, out));
    }
    if (argmax && ctx.outputCount() > 1) {
        Tensor index(DType::Int32, shape);
        auto target = index.mutableElements<std::int32_t>();
        std::copy(indices.begin(), indices.end(), target.begin());
        ctx.setOutput(1, std::move(index));
    }
}

} // namespace

void addPoolingKernels(KernelRegistry& registry) {
    registry.add("xnnpack.AvgPooling2d", averagePooling);
    registry.add("xnnpack.GlobalAvgPooling2d", globalAveragePooling);
    registry.add("xnnpack.MaxPooling2d", [](KernelContext& ctx) { maxPooling(ctx, false); });
    registry.add("xnnpack.ArgMaxPooling2d", [](KernelContext& ctx) { maxPooling(ctx, true); });
}

} // namespace pteron::runtime::xnnpack
