// Pooling over the trailing spatial dimensions, 2-d (H, W) and 3-d (D, H, W) alike:
// max_pool{2,3}d_with_indices, avg_pool{2,3}d (padding counted or not, divisor override) and
// _adaptive_avg_pool2d. A 2-d pool is the 3-d one with a depth of one.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <array>
#include <cmath>

namespace pteron::runtime::aten {

namespace {

using Triple = std::array<std::int64_t, 3>; // depth, height, width

// Every leading dimension is a plane of its own; the spatial sizes are padded to three.
struct Volumes {
    std::size_t spatialRank = 2;
    std::int64_t count = 1;
    Shape leading;
    Triple size{1, 1, 1};
};

Volumes volumesOf(const KernelContext& ctx, const Tensor& input, std::size_t spatialRank) {
    if (input.rank() != spatialRank + 1 && input.rank() != spatialRank + 2)
        ctx.fail("expects a " + std::to_string(spatialRank + 1) + "-d or " +
                 std::to_string(spatialRank + 2) + "-d input, given " + input.typeText());
    Volumes v;
    v.spatialRank = spatialRank;
    const auto first = input.rank() - spatialRank;
    for (std::size_t d = 0; d < first; ++d) {
        v.count *= input.dim(d);
        v.leading.push_back(input.dim(d));
    }
    for (std::size_t k = 0; k < spatialRank; ++k)
        v.size[3 - spatialRank + k] = input.dim(first + k);
    return v;
}

// A per-spatial-dim list argument: one value repeats, an absent or empty one is `fallback`;
// the dimensions a 2-d pool lacks are `fill`.
Triple spatialArgument(const KernelContext& ctx, const Volumes& v, std::size_t position,
                       Triple fallback, std::int64_t fill) {
    if (!hasArgument(ctx, position)) return fallback;
    const auto list = intListArgument(ctx, position);
    if (list.empty()) return fallback;
    if (list.size() != 1 && list.size() != v.spatialRank)
        ctx.fail("argument " + std::to_string(position) + " needs 1 or " +
                 std::to_string(v.spatialRank) + " entries");
    Triple t{fill, fill, fill};
    for (std::size_t k = 0; k < v.spatialRank; ++k)
        t[3 - v.spatialRank + k] = list.size() == 1 ? list[0] : list[k];
    return t;
}

Triple filled(const Volumes& v, std::int64_t value, std::int64_t fill) {
    Triple t{fill, fill, fill};
    for (std::size_t k = 3 - v.spatialRank; k < 3; ++k)
        t[k] = value;
    return t;
}

Shape withVolume(const Volumes& v, const Triple& size) {
    Shape shape = v.leading;
    shape.insert(shape.end(), size.end() - static_cast<std::ptrdiff_t>(v.spatialRank), size.end());
    return shape;
}

std::int64_t product(const Triple& t) {
    return t[0] * t[1] * t[2];
}

// pooling_output_shape: floor (or ceil, not starting in the right padding) of the window count.
std::int64_t pooledSize(const KernelContext& ctx, std::int64_t input, std::int64_t kernel,
                        std::int64_t stride, std::int64_t pad, std::int64_t dilation, bool ceil) {
    if (kernel <= 0 || stride <= 0 || dilation <= 0 || pad < 0 || pad * 2 > kernel)
        ctx.fail(
            "pooling needs positive kernel, stride, dilation and padding at most half the kernel");
    const auto span = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0);
    if (span < 0) ctx.fail("the pooling window does not fit the padded input");
    auto size = span / stride + 1;
    if (ceil && (size - 1) * stride >= input + pad) --size;
    return size;
}

// Visits every output position of every plane: f(plane, output position, flat output index).
template <typename F>
void forEachOutput(KernelContext& ctx, const Volumes& v, const Triple& out, F&& f) {
    ctx.pool().parallelFor(v.count, [&](std::int64_t begin, std::int64_t end) {
        for (auto p = begin; p < end; ++p)
            for (std::int64_t od = 0; od < out[0]; ++od)
                for (std::int64_t oh = 0; oh < out[1]; ++oh)
                    for (std::int64_t ow = 0; ow < out[2]; ++ow)
                        f(p, Triple{od, oh, ow},
                          static_cast<std::size_t>(((p * out[0] + od) * out[1] + oh) * out[2] +
                                                   ow));
    });
}

// (self, kernel_size, stride, padding, dilation, ceil_mode) -> (out, indices); indices are flat
// positions within each input plane or volume.
void maxPool(KernelContext& ctx, std::size_t spatialRank) {
    const auto input = contiguousInput(ctx, 0);
    const auto v = volumesOf(ctx, input, spatialRank);
    const auto kernel = spatialArgument(ctx, v, 1, filled(v, 1, 1), 1);
    const auto stride = spatialArgument(ctx, v, 2, kernel, 1);
    const auto pad = spatialArgument(ctx, v, 3, filled(v, 0, 0), 0);
    const auto dilation = spatialArgument(ctx, v, 4, filled(v, 1, 1), 1);
    const bool ceil = hasArgument(ctx, 5) && boolArgument(ctx, 5);
    Triple out{};
    for (std::size_t k = 0; k < 3; ++k)
        out[k] = pooledSize(ctx, v.size[k], kernel[k], stride[k], pad[k], dilation[k], ceil);
    visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        const auto volume = product(v.size);
        std::vector<T> y(static_cast<std::size_t>(v.count * product(out)));
        std::vector<std::int64_t> indices(y.size());
        forEachOutput(ctx, v, out, [&](std::int64_t p, const Triple& o, std::size_t at) {
            T best{};
            std::int64_t bestAt = -1;
            for (std::int64_t kd = 0; kd < kernel[0]; ++kd) {
                const auto id = o[0] * stride[0] - pad[0] + kd * dilation[0];
                if (id < 0 || id >= v.size[0]) continue;
                for (std::int64_t kh = 0; kh < kernel[1]; ++kh) {
                    const auto ih = o[1] * stride[1] - pad[1] + kh * dilation[1];
                    if (ih < 0 || ih >= v.size[1]) continue;
                    for (std::int64_t kw = 0; kw < kernel[2]; ++kw) {
                        const auto iw = o[2] * stride[2] - pad[2] + kw * dilation[2];
                        if (iw < 0 || iw >= v.size[2]) continue;
                        const auto flat = (id * v.size[1] + ih) * v.size[2] + iw;
                        const T value = x[static_cast<std::size_t>(p * volume + flat)];
                        bool take = bestAt < 0;
                        if constexpr (std::is_floating_point_v<T>)
                            take =
                                take || (!std::isnan(best) && (std::isnan(value) || value > best));
                        else
                            take = take || value > best;
                        if (take) {
                            best = value;
                            bestAt = flat;
                        }
                    }
                }
            }
            y[at] = best;
            indices[at] = bestAt;
        });
        const auto shape = withVolume(v, out);
        setResult(ctx, 0, tensorFrom<T>(outputType(ctx, 0, input.dtype()), shape, y));
        if (ctx.outputCount() > 1)
            setResult(ctx, 1, tensorFrom<std::int64_t>(DType::Int64, shape, indices));
        return 0;
    });
}

// (self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override?)
void averagePool(KernelContext& ctx, std::size_t spatialRank) {
    const auto input = contiguousInput(ctx, 0);
    const auto v = volumesOf(ctx, input, spatialRank);
    const auto kernel = spatialArgument(ctx, v, 1, filled(v, 1, 1), 1);
    const auto stride = spatialArgument(ctx, v, 2, kernel, 1);
    const auto pad = spatialArgument(ctx, v, 3, filled(v, 0, 0), 0);
    const bool ceil = hasArgument(ctx, 4) && boolArgument(ctx, 4);
    const bool includePad = !hasArgument(ctx, 5) || boolArgument(ctx, 5);
    const std::int64_t divisor = hasArgument(ctx, 6) ? intArgument(ctx, 6) : 0;
    if (hasArgument(ctx, 6) && divisor == 0) ctx.fail("divisor_override must not be zero");
    Triple out{};
    for (std::size_t k = 0; k < 3; ++k)
        out[k] = pooledSize(ctx, v.size[k], kernel[k], stride[k], pad[k], 1, ceil);
    const auto outType = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        const auto volume = product(v.size);
        std::vector<T> y(static_cast<std::size_t>(v.count * product(out)));
        forEachOutput(ctx, v, out, [&](std::int64_t p, const Triple& o, std::size_t at) {
            Triple first{}, last{};
            std::int64_t padded = 1, valid = 1;
            for (std::size_t k = 0; k < 3; ++k) {
                first[k] = o[k] * stride[k] - pad[k];
                last[k] = std::min(first[k] + kernel[k], v.size[k] + pad[k]);
                padded *= last[k] - first[k];
                first[k] = std::max<std::int64_t>(first[k], 0);
                last[k] = std::min(last[k], v.size[k]);
                valid *= std::max<std::int64_t>(last[k] - first[k], 0);
            }
            T sum{0};
            for (auto id = first[0]; id < last[0]; ++id)
                for (auto ih = first[1]; ih < last[1]; ++ih)
                    for (auto iw = first[2]; iw < last[2]; ++iw)
                        sum += x[static_cast<std::size_t>(p * volume +
                                                          (id * v.size[1] + ih) * v.size[2] + iw)];
            const std::int64_t count = divisor ? divisor : includePad ? padded : valid;
            T value{0};
            if constexpr (std::is_integral_v<T>) {
                if (count != 0) value = sum / count;
            } else {
                value = sum / static_cast<T>(count);
            }
            y[at] = value;
        });
        return tensorFrom<T>(outType, withVolume(v, out), y);
    });
    setResult(ctx, 0, std::move(result));
}

// _adaptive_avg_pool2d.out(self, output_size): window [floor(i*H/o), ceil((i+1)*H/o)).
void adaptiveAveragePool(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto v = volumesOf(ctx, input, 2);
    const auto out = spatialArgument(ctx, v, 1, filled(v, 1, 1), 1);
    if (out[1] <= 0 || out[2] <= 0) ctx.fail("output size must be positive");
    const auto outType = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        const auto plane = product(v.size);
        std::vector<T> y(static_cast<std::size_t>(v.count * product(out)));
        forEachOutput(ctx, v, out, [&](std::int64_t p, const Triple& o, std::size_t at) {
            const auto y0 = o[1] * v.size[1] / out[1];
            const auto y1 = ((o[1] + 1) * v.size[1] + out[1] - 1) / out[1];
            const auto x0 = o[2] * v.size[2] / out[2];
            const auto x1 = ((o[2] + 1) * v.size[2] + out[2] - 1) / out[2];
            T sum{0};
            for (auto iy = y0; iy < y1; ++iy)
                for (auto ix = x0; ix < x1; ++ix)
                    sum += x[static_cast<std::size_t>(p * plane + iy * v.size[2] + ix)];
            const auto count = (y1 - y0) * (x1 - x0);
            y[at] = count ? sum / static_cast<T>(count) : T{0};
        });
        return tensorFrom<T>(outType, withVolume(v, out), y);
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addPoolingKernels(KernelRegistry& registry) {
    registry.add("aten::max_pool2d_with_indices.out", [](KernelContext& ctx) { maxPool(ctx, 2); });
    registry.add("aten::max_pool3d_with_indices.out", [](KernelContext& ctx) { maxPool(ctx, 3); });
    registry.add("aten::avg_pool2d.out", [](KernelContext& ctx) { averagePool(ctx, 2); });
    registry.add("aten::avg_pool3d.out", [](KernelContext& ctx) { averagePool(ctx, 3); });
    registry.add("aten::_adaptive_avg_pool2d.out", adaptiveAveragePool);
    registry.add("aten::adaptive_avg_pool2d.out", adaptiveAveragePool);
}

} // namespace pteron::runtime::aten
