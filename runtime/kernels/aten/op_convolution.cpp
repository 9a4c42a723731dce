// convolution.out: 1-d and 2-d convolutions, grouped, strided, padded, dilated and transposed,
// accumulating in the compute type; 3-d ones go to convolution3d.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"
#include "runtime/kernels/aten/volume.hpp"

namespace pteron::runtime::aten {

namespace {

struct Geometry {
    std::int64_t batch = 1, inChannels = 1, inH = 1, inW = 1;
    std::int64_t outChannels = 1, kernelH = 1, kernelW = 1, outH = 1, outW = 1;
    std::int64_t strideH = 1, strideW = 1, padH = 0, padW = 0, dilationH = 1, dilationW = 1;
    std::int64_t groups = 1;
};

// A per-spatial-dim list argument: one value repeats; a 1-d convolution reads entry 0 as W.
std::pair<std::int64_t, std::int64_t> pairArgument(const KernelContext& ctx, std::size_t position,
                                                   std::size_t spatial, std::int64_t fallback) {
    auto list =
        hasArgument(ctx, position) ? intListArgument(ctx, position) : std::vector<std::int64_t>{};
    if (list.empty()) list = {fallback};
    if (list.size() == 1) list.push_back(list[0]);
    if (list.size() != 2 && !(spatial == 1 && !list.empty()))
        ctx.fail("expects " + std::to_string(spatial) + " entries in argument " +
                 std::to_string(position));
    if (spatial == 1) return {fallback, list[0]};
    return {list[0], list[1]};
}

// (input, weight, bias?, stride, padding, dilation, transposed, output_padding, groups)
void convolution(KernelContext& ctx) {
    if (tensorArgument(ctx, 0).rank() == 5) return convolution3d(ctx);
    auto input = contiguousInput(ctx, 0);
    auto weight = contiguousInput(ctx, 1);
    const auto bias = optionalInput(ctx, 2);
    if (input.rank() != 3 && input.rank() != 4)
        ctx.fail("supports 1-d, 2-d and 3-d convolutions, given input " + input.typeText());
    if (weight.rank() != input.rank())
        ctx.fail("weight " + weight.typeText() + " does not fit " + input.typeText());
    const auto spatial = input.rank() - 2;
    if (spatial == 1) {
        input = input.reshaped({input.dim(0), input.dim(1), 1, input.dim(2)});
        weight = weight.reshaped({weight.dim(0), weight.dim(1), 1, weight.dim(2)});
    }
    const bool transposed = hasArgument(ctx, 6) && boolArgument(ctx, 6);
    Geometry g;
    g.groups = hasArgument(ctx, 8) ? intArgument(ctx, 8) : 1;
    std::tie(g.strideH, g.strideW) = pairArgument(ctx, 3, spatial, 1);
    std::tie(g.padH, g.padW) = pairArgument(ctx, 4, spatial, 0);
    std::tie(g.dilationH, g.dilationW) = pairArgument(ctx, 5, spatial, 1);
    const auto [outPadH, outPadW] = pairArgument(ctx, 7, spatial, 0);
    if (spatial == 1) g.strideH = g.dilationH = 1, g.padH = 0;
    if (g.groups <= 0 || g.strideH <= 0 || g.strideW <= 0 || g.dilationH <= 0 || g.dilationW <= 0 ||
        g.padH < 0 || g.padW < 0 || outPadH < 0 || outPadW < 0)
        ctx.fail("groups, stride and dilation must be positive and padding non-negative");
    g.batch = input.dim(0);
    g.inChannels = input.dim(1);
    g.inH = input.dim(2);
    g.inW = input.dim(3);
    g.kernelH = weight.dim(2);
    g.kernelW = weight.dim(3);
    if (g.inChannels % g.groups != 0) ctx.fail("input channels do not split into the groups");
    if (transposed) {
        if (weight.dim(0) != g.inChannels)
            ctx.fail("weight " + weight.typeText() + " does not fit " + input.typeText());
        g.outChannels = weight.dim(1) * g.groups;
        g.outH = (g.inH - 1) * g.strideH - 2 * g.padH + g.dilationH * (g.kernelH - 1) + outPadH + 1;
        g.outW = (g.inW - 1) * g.strideW - 2 * g.padW + g.dilationW * (g.kernelW - 1) + outPadW + 1;
    } else {
        g.outChannels = weight.dim(0);
        if (weight.dim(1) * g.groups != g.inChannels || g.outChannels % g.groups != 0)
            ctx.fail("weight " + weight.typeText() + " does not fit " + input.typeText() + " in " +
                     std::to_string(g.groups) + " groups");
        g.outH = (g.inH + 2 * g.padH - g.dilationH * (g.kernelH - 1) - 1) / g.strideH + 1;
        g.outW = (g.inW + 2 * g.padW - g.dilationW * (g.kernelW - 1) - 1) / g.strideW + 1;
    }
    if (g.outH <= 0 || g.outW <= 0) ctx.fail("the kernel does not fit the padded input");
    if (bias && bias->elementCount() != static_cast<std::uint64_t>(g.outChannels))
        ctx.fail("bias " + bias->typeText() + " does not have one entry per output channel");
    DType common = promoteTypes(input.dtype(), weight.dtype());
    if (bias) common = promoteTypes(common, bias->dtype());
    const auto out = outputType(ctx, 0, common);
    auto result = visitComputeType(computeTypeOf(common), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        const auto w = elementsAs<T>(weight);
        const auto b = bias ? elementsAs<T>(*bias)
                            : std::vector<T>(static_cast<std::size_t>(g.outChannels), T{0});
        std::vector<T> y(
            static_cast<std::size_t>(elementCountOf({g.batch, g.outChannels, g.outH, g.outW})));
        const auto inPerGroup = g.inChannels / g.groups;
        const auto outPerGroup = g.outChannels / g.groups;
        const auto plane = g.outH * g.outW;
        const auto body = [&](std::int64_t begin, std::int64_t end) {
            for (auto job = begin; job < end; ++job) {
                const auto n = job / g.outChannels;
                const auto oc = job % g.outChannels;
                const auto group = oc / outPerGroup;
                T* target = y.data() + job * plane;
                std::fill(target, target + plane, b[static_cast<std::size_t>(oc)]);
                for (std::int64_t icg = 0; icg < inPerGroup; ++icg) {
                    const auto ic = group * inPerGroup + icg;
                    const T* source = x.data() + (n * g.inChannels + ic) * g.inH * g.inW;
                    const T* kernel =
                        transposed ? w.data() + (ic * outPerGroup + oc % outPerGroup) * g.kernelH *
                                                    g.kernelW
                                   : w.data() + (oc * inPerGroup + icg) * g.kernelH * g.kernelW;
                    for (std::int64_t ky = 0; ky < g.kernelH; ++ky)
                        for (std::int64_t kx = 0; kx < g.kernelW; ++kx) {
                            const T weightValue = kernel[ky * g.kernelW + kx];
                            if (transposed) {
                                for (std::int64_t iy = 0; iy < g.inH; ++iy) {
                                    const auto oy = iy * g.strideH - g.padH + ky * g.dilationH;
                                    if (oy < 0 || oy >= g.outH) continue;
                                    for (std::int64_t ix = 0; ix < g.inW; ++ix) {
                                        const auto ox = ix * g.strideW - g.padW + kx * g.dilationW;
                                        if (ox < 0 || ox >= g.outW) continue;
                                        target[oy * g.outW + ox] +=
                                            source[iy * g.inW + ix] * weightValue;
                                    }
                                }
                                continue;
                            }
                            for (std::int64_t oy = 0; oy < g.outH; ++oy) {
                                const auto iy = oy * g.strideH - g.padH + ky * g.dilationH;
                                if (iy < 0 || iy >= g.inH) continue;
                                const T* row = source + iy * g.inW;
                                T* outRow = target + oy * g.outW;
                                for (std::int64_t ox = 0; ox < g.outW; ++ox) {
                                    const auto ix = ox * g.strideW - g.padW + kx * g.dilationW;
                                    if (ix < 0 || ix >= g.inW) continue;
                                    outRow[ox] += row[ix] * weightValue;
                                }
                            }
                        }
                }
            }
        };
        ctx.pool().parallelFor(g.batch * g.outChannels, body);
        Shape shape = spatial == 1 ? Shape{g.batch, g.outChannels, g.outW}
                                   : Shape{g.batch, g.outChannels, g.outH, g.outW};
        return tensorFrom<T>(out, shape, y);
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addConvolutionKernels(KernelRegistry& registry) {
    registry.add("aten::convolution.out", convolution);
}

} // namespace pteron::runtime::aten
