// 2-d pooling over the last two dimensions: max_pool2d_with_indices, avg_pool2d (padding
// counted or not, divisor override) and _adaptive_avg_pool2d.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::aten {

namespace {

struct Planes {
    std::int64_t count = 1, h = 1, w = 1;
    Shape leading; // dims before H, W
};

Planes planesOf(const KernelContext& ctx, const Tensor& input) {
    if (input.rank() != 3 && input.rank() != 4)
        ctx.fail("expects a 3-d or 4-d input, given " + input.typeText());
    Planes planes;
    planes.h = input.dim(input.rank() - 2);
    planes.w = input.dim(input.rank() - 1);
    for (std::size_t d = 0; d + 2 < input.rank(); ++d) {
        planes.count *= input.dim(d);
        planes.leading.push_back(input.dim(d));
    }
    return planes;
}

std::pair<std::int64_t, std::int64_t> twoValues(const KernelContext& ctx, std::size_t position,
                                                std::pair<std::int64_t, std::int64_t> fallback) {
    if (!hasArgument(ctx, position)) return fallback;
    const auto list = intListArgument(ctx, position);
    if (list.empty()) return fallback;
    if (list.size() == 1) return {list[0], list[0]};
    if (list.size() != 2)
        ctx.fail("argument " + std::to_string(position) + " needs 1 or 2 entries");
    return {list[0], list[1]};
}

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

Shape withPlane(const Planes& planes, std::int64_t h, std::int64_t w) {
    Shape shape = planes.leading;
    shape.push_back(h);
    shape.push_back(w);
    return shape;
}

// (self, kernel_size, stride, padding, dilation, ceil_mode) -> (out, indices)
void maxPool(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto planes = planesOf(ctx, input);
    const auto [kh, kw] = twoValues(ctx, 1, {1, 1});
    const auto [sh, sw] = twoValues(ctx, 2, {kh, kw});
    const auto [ph, pw] = twoValues(ctx, 3, {0, 0});
    const auto [dh, dw] = twoValues(ctx, 4, {1, 1});
    const bool ceil = hasArgument(ctx, 5) && boolArgument(ctx, 5);
    const auto oh = pooledSize(ctx, planes.h, kh, sh, ph, dh, ceil);
    const auto ow = pooledSize(ctx, planes.w, kw, sw, pw, dw, ceil);
    visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        std::vector<T> y(static_cast<std::size_t>(planes.count * oh * ow));
        std::vector<std::int64_t> indices(y.size());
        ctx.pool().parallelFor(planes.count, [&](std::int64_t begin, std::int64_t end) {
            for (auto p = begin; p < end; ++p)
                for (std::int64_t oy = 0; oy < oh; ++oy)
                    for (std::int64_t ox = 0; ox < ow; ++ox) {
                        T best{};
                        std::int64_t at = -1;
                        for (std::int64_t ky = 0; ky < kh; ++ky) {
                            const auto iy = oy * sh - ph + ky * dh;
                            if (iy < 0 || iy >= planes.h) continue;
                            for (std::int64_t kx = 0; kx < kw; ++kx) {
                                const auto ix = ox * sw - pw + kx * dw;
                                if (ix < 0 || ix >= planes.w) continue;
                                const T value = x[static_cast<std::size_t>(
                                    (p * planes.h + iy) * planes.w + ix)];
                                bool take = at < 0;
                                if constexpr (std::is_floating_point_v<T>)
                                    take = take || (!std::isnan(best) &&
                                                    (std::isnan(value) || value > best));
                                else
                                    take = take || value > best;
                                if (take) {
                                    best = value;
                                    at = iy * planes.w + ix;
                                }
                            }
                        }
                        const auto o = static_cast<std::size_t>((p * oh + oy) * ow + ox);
                        y[o] = best;
                        indices[o] = at;
                    }
        });
        const auto shape = withPlane(planes, oh, ow);
        setResult(ctx, 0, tensorFrom<T>(outputType(ctx, 0, input.dtype()), shape, y));
        if (ctx.outputCount() > 1)
            setResult(ctx, 1, tensorFrom<std::int64_t>(DType::Int64, shape, indices));
        return 0;
    });
}

// (self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override?)
void averagePool(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto planes = planesOf(ctx, input);
    const auto [kh, kw] = twoValues(ctx, 1, {1, 1});
    const auto [sh, sw] = twoValues(ctx, 2, {kh, kw});
    const auto [ph, pw] = twoValues(ctx, 3, {0, 0});
    const bool ceil = hasArgument(ctx, 4) && boolArgument(ctx, 4);
    const bool includePad = !hasArgument(ctx, 5) || boolArgument(ctx, 5);
    const std::int64_t divisor = hasArgument(ctx, 6) ? intArgument(ctx, 6) : 0;
    if (hasArgument(ctx, 6) && divisor == 0) ctx.fail("divisor_override must not be zero");
    const auto oh = pooledSize(ctx, planes.h, kh, sh, ph, 1, ceil);
    const auto ow = pooledSize(ctx, planes.w, kw, sw, pw, 1, ceil);
    const auto out = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        std::vector<T> y(static_cast<std::size_t>(planes.count * oh * ow));
        ctx.pool().parallelFor(planes.count, [&](std::int64_t begin, std::int64_t end) {
            for (auto p = begin; p < end; ++p)
                for (std::int64_t oy = 0; oy < oh; ++oy)
                    for (std::int64_t ox = 0; ox < ow; ++ox) {
                        auto y0 = oy * sh - ph, x0 = ox * sw - pw;
                        auto y1 = std::min(y0 + kh, planes.h + ph),
                             x1 = std::min(x0 + kw, planes.w + pw);
                        const auto paddedCount = (y1 - y0) * (x1 - x0);
                        y0 = std::max<std::int64_t>(y0, 0);
                        x0 = std::max<std::int64_t>(x0, 0);
                        y1 = std::min(y1, planes.h);
                        x1 = std::min(x1, planes.w);
                        T sum{0};
                        for (auto iy = y0; iy < y1; ++iy)
                            for (auto ix = x0; ix < x1; ++ix)
                                sum += x[static_cast<std::size_t>((p * planes.h + iy) * planes.w +
                                                                  ix)];
                        std::int64_t count = divisor      ? divisor
                                             : includePad ? paddedCount
                                                          : (y1 - y0) * (x1 - x0);
                        T value{0};
                        if constexpr (std::is_integral_v<T>) {
                            if (count != 0) value = sum / count;
                        } else {
                            value = sum / static_cast<T>(count);
                        }
                        y[static_cast<std::size_t>((p * oh + oy) * ow + ox)] = value;
                    }
        });
        return tensorFrom<T>(out, withPlane(planes, oh, ow), y);
    });
    setResult(ctx, 0, std::move(result));
}

// _adaptive_avg_pool2d.out(self, output_size): window [floor(i*H/o), ceil((i+1)*H/o)).
void adaptiveAveragePool(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto planes = planesOf(ctx, input);
    const auto [oh, ow] = twoValues(ctx, 1, {1, 1});
    if (oh <= 0 || ow <= 0) ctx.fail("output size must be positive");
    const auto out = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        std::vector<T> y(static_cast<std::size_t>(planes.count * oh * ow));
        for (std::int64_t p = 0; p < planes.count; ++p)
            for (std::int64_t oy = 0; oy < oh; ++oy) {
                const auto y0 = oy * planes.h / oh, y1 = ((oy + 1) * planes.h + oh - 1) / oh;
                for (std::int64_t ox = 0; ox < ow; ++ox) {
                    const auto x0 = ox * planes.w / ow, x1 = ((ox + 1) * planes.w + ow - 1) / ow;
                    T sum{0};
                    for (auto iy = y0; iy < y1; ++iy)
                        for (auto ix = x0; ix < x1; ++ix)
                            sum += x[static_cast<std::size_t>((p * planes.h + iy) * planes.w + ix)];
                    const auto count = (y1 - y0) * (x1 - x0);
                    y[static_cast<std::size_t>((p * oh + oy) * ow + ox)] =
                        count ? sum / static_cast<T>(count) : T{0};
                }
            }
        return tensorFrom<T>(out, withPlane(planes, oh, ow), y);
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addPoolingKernels(KernelRegistry& registry) {
    registry.add("aten::max_pool2d_with_indices.out", maxPool);
    registry.add("aten::avg_pool2d.out", averagePool);
    registry.add("aten::_adaptive_avg_pool2d.out", adaptiveAveragePool);
    registry.add("aten::adaptive_avg_pool2d.out", adaptiveAveragePool);
}

} // namespace pteron::runtime::aten
