// The 3-d convolution over the last three dimensions (D, H, W): grouped, strided, padded,
// dilated and transposed, with the same window arithmetic as the 2-d one.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"
#include "runtime/kernels/aten/volume.hpp"

#include <array>
#include <cmath>

namespace pteron::runtime::aten {

namespace {

using Triple = std::array<std::int64_t, 3>;

// A per-spatial-dim list argument: one value repeats, an absent or empty one is `fallback`.
Triple tripleArgument(const KernelContext& ctx, std::size_t position, Triple fallback) {
    if (!hasArgument(ctx, position)) return fallback;
    const auto list = intListArgument(ctx, position);
    if (list.empty()) return fallback;
    if (list.size() == 1) return {list[0], list[0], list[0]};
    if (list.size() != 3)
        ctx.fail("argument " + std::to_string(position) + " needs 1 or 3 entries");
    return {list[0], list[1], list[2]};
}

std::int64_t product(const Triple& t) {
    return t[0] * t[1] * t[2];
}

} // namespace

// (input, weight, bias?, stride, padding, dilation, transposed, output_padding, groups) for a
// 5-d input [N, C, D, H, W].
void convolution3d(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto weight = contiguousInput(ctx, 1);
    const auto bias = optionalInput(ctx, 2);
    if (input.rank() != 5 || weight.rank() != 5)
        ctx.fail("3-d convolution needs 5-d input and weight, given " + input.typeText() + " and " +
                 weight.typeText());
    const bool transposed = hasArgument(ctx, 6) && boolArgument(ctx, 6);
    const auto stride = tripleArgument(ctx, 3, {1, 1, 1});
    const auto pad = tripleArgument(ctx, 4, {0, 0, 0});
    const auto dilation = tripleArgument(ctx, 5, {1, 1, 1});
    const auto outputPad = tripleArgument(ctx, 7, {0, 0, 0});
    const std::int64_t groups = hasArgument(ctx, 8) ? intArgument(ctx, 8) : 1;
    for (std::size_t k = 0; k < 3; ++k)
        if (stride[k] <= 0 || dilation[k] <= 0 || pad[k] < 0 || outputPad[k] < 0)
            ctx.fail("stride and dilation must be positive and padding non-negative");
    const auto batch = input.dim(0), inChannels = input.dim(1);
    if (groups <= 0 || inChannels % groups != 0)
        ctx.fail("input channels do not split into " + std::to_string(groups) + " groups");
    const Triple in{input.dim(2), input.dim(3), input.dim(4)};
    const Triple kernel{weight.dim(2), weight.dim(3), weight.dim(4)};
    std::int64_t outChannels = 0;
    Triple out{};
    if (transposed) {
        if (weight.dim(0) != inChannels)
            ctx.fail("weight " + weight.typeText() + " does not fit " + input.typeText());
        outChannels = weight.dim(1) * groups;
        for (std::size_t k = 0; k < 3; ++k)
            out[k] = (in[k] - 1) * stride[k] - 2 * pad[k] + dilation[k] * (kernel[k] - 1) +
                     outputPad[k] + 1;
    } else {
        outChannels = weight.dim(0);
        if (weight.dim(1) * groups != inChannels || outChannels % groups != 0)
            ctx.fail("weight " + weight.typeText() + " does not fit " + input.typeText() + " in " +
                     std::to_string(groups) + " groups");
        for (std::size_t k = 0; k < 3; ++k)
            out[k] = (in[k] + 2 * pad[k] - dilation[k] * (kernel[k] - 1) - 1) / stride[k] + 1;
    }
    for (std::size_t k = 0; k < 3; ++k)
        if (out[k] <= 0) ctx.fail("the kernel does not fit the padded input");
    if (bias && bias->elementCount() != static_cast<std::uint64_t>(outChannels))
        ctx.fail("bias " + bias->typeText() + " does not have one entry per output channel");
    DType common = promoteTypes(input.dtype(), weight.dtype());
    if (bias) common = promoteTypes(common, bias->dtype());
    const auto outType = outputType(ctx, 0, common);
    auto result = visitComputeType(computeTypeOf(common), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        const auto w = elementsAs<T>(weight);
        const auto b = bias ? elementsAs<T>(*bias)
                            : std::vector<T>(static_cast<std::size_t>(outChannels), T{0});
        const auto volume = product(out), inVolume = product(in), taps = product(kernel);
        std::vector<T> y(static_cast<std::size_t>(batch * outChannels * volume));
        const auto inPerGroup = inChannels / groups, outPerGroup = outChannels / groups;
        ctx.pool().parallelFor(batch * outChannels, [&](std::int64_t begin, std::int64_t end) {
            for (auto job = begin; job < end; ++job) {
                const auto n = job / outChannels, oc = job % outChannels;
                const auto group = oc / outPerGroup;
                T* target = y.data() + job * volume;
                std::fill(target, target + volume, b[static_cast<std::size_t>(oc)]);
                for (std::int64_t icg = 0; icg < inPerGroup; ++icg) {
                    const auto ic = group * inPerGroup + icg;
                    const T* source = x.data() + (n * inChannels + ic) * inVolume;
                    const T* taps0 = transposed
                                         ? w.data() + (ic * outPerGroup + oc % outPerGroup) * taps
                                         : w.data() + (oc * inPerGroup + icg) * taps;
                    for (std::int64_t kd = 0; kd < kernel[0]; ++kd)
                        for (std::int64_t kh = 0; kh < kernel[1]; ++kh)
                            for (std::int64_t kw = 0; kw < kernel[2]; ++kw) {
                                const T weightValue = taps0[(kd * kernel[1] + kh) * kernel[2] + kw];
                                const Triple offset{kd * dilation[0] - pad[0],
                                                    kh * dilation[1] - pad[1],
                                                    kw * dilation[2] - pad[2]};
                                if (transposed) {
                                    // Input position i lands at i * stride + offset.
                                    for (std::int64_t id = 0; id < in[0]; ++id) {
                                        const auto od = id * stride[0] + offset[0];
                                        if (od < 0 || od >= out[0]) continue;
                                        for (std::int64_t ih = 0; ih < in[1]; ++ih) {
                                            const auto oh = ih * stride[1] + offset[1];
                                            if (oh < 0 || oh >= out[1]) continue;
                                            for (std::int64_t iw = 0; iw < in[2]; ++iw) {
                                                const auto ow = iw * stride[2] + offset[2];
                                                if (ow < 0 || ow >= out[2]) continue;
                                                target[(od * out[1] + oh) * out[2] + ow] +=
                                                    source[(id * in[1] + ih) * in[2] + iw] *
                                                    weightValue;
                                            }
                                        }
                                    }
                                    continue;
                                }
                                for (std::int64_t od = 0; od < out[0]; ++od) {
                                    const auto id = od * stride[0] + offset[0];
                                    if (id < 0 || id >= in[0]) continue;
                                    for (std::int64_t oh = 0; oh < out[1]; ++oh) {
                                        const auto ih = oh * stride[1] + offset[1];
                                        if (ih < 0 || ih >= in[1]) continue;
                                        const T* row = source + (id * in[1] + ih) * in[2];
                                        T* outRow = target + (od * out[1] + oh) * out[2];
                                        for (std::int64_t ow = 0; ow < out[2]; ++ow) {
                                            const auto iw = ow * stride[2] + offset[2];
                                            if (iw < 0 || iw >= in[2]) continue;
                                            outRow[ow] += row[iw] * weightValue;
                                        }
                                    }
                                }
                            }
                }
            }
        });
        return tensorFrom<T>(outType, {batch, outChannels, out[0], out[1], out[2]}, y);
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace pteron::runtime::aten
