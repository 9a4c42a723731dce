// upsample_nearest2d.vec and upsample_bilinear2d.vec on the last two dimensions, with PyTorch's
// source-coordinate rules (nearest: floor(dst * in/out); bilinear: align_corners or half-pixel).
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>

namespace pteron::runtime::aten {

namespace {

struct Resize {
    std::int64_t planes = 1, inH = 1, inW = 1, outH = 1, outW = 1;
    double scaleH = 1, scaleW = 1; // source step per destination pixel
    Shape shape;
};

// output_size at `sizes` or scale_factors at `scales`.
Resize resizeOf(const KernelContext& ctx, const Tensor& input, std::size_t sizes,
                std::size_t scales, bool alignCorners) {
    if (input.rank() != 4) ctx.fail("expects a 4-d input, given " + input.typeText());
    Resize r;
    r.planes = input.dim(0) * input.dim(1);
    r.inH = input.dim(2);
    r.inW = input.dim(3);
    std::vector<double> factors;
    if (hasArgument(ctx, sizes)) {
        const auto size = intListArgument(ctx, sizes);
        if (size.size() != 2) ctx.fail("output_size needs 2 entries");
        r.outH = size[0];
        r.outW = size[1];
    } else if (hasArgument(ctx, scales)) {
        const auto value = scalarArgument(ctx, scales);
        if (const auto* list = std::get_if<std::vector<double>>(&value)) factors = *list;
        if (factors.size() != 2 || !(factors[0] > 0) || !(factors[1] > 0) || factors[0] > 1e4 ||
            factors[1] > 1e4)
            ctx.fail("scale_factors needs 2 positive entries");
        r.outH = static_cast<std::int64_t>(std::floor(static_cast<double>(r.inH) * factors[0]));
        r.outW = static_cast<std::int64_t>(std::floor(static_cast<double>(r.inW) * factors[1]));
    } else {
        ctx.fail("needs output_size or scale_factors");
    }
    if (r.outH <= 0 || r.outW <= 0) ctx.fail("output size must be positive");
    const auto step = [&](std::int64_t in, std::int64_t out, std::size_t axis) {
        if (alignCorners)
            return out > 1 ? static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
        if (!factors.empty()) return 1.0 / factors[axis];
        return static_cast<double>(in) / static_cast<double>(out);
    };
    r.scaleH = step(r.inH, r.outH, 0);
    r.scaleW = step(r.inW, r.outW, 1);
    r.shape = {input.dim(0), input.dim(1), r.outH, r.outW};
    return r;
}

// (input, output_size?, scale_factors?)
void nearest(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto r = resizeOf(ctx, input, 1, 2, false);
    const auto source = [](std::int64_t dst, double scale, std::int64_t in) {
        const auto s = static_cast<std::int64_t>(
            std::floor(static_cast<float>(dst) * static_cast<float>(scale)));
        return std::min(s, in - 1);
    };
    const auto out = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto x = elementsAs<T>(input);
        std::vector<T> y(static_cast<std::size_t>(r.planes * r.outH * r.outW));
        for (std::int64_t p = 0; p < r.planes; ++p)
            for (std::int64_t oy = 0; oy < r.outH; ++oy) {
                const auto iy = source(oy, r.scaleH, r.inH);
                for (std::int64_t ox = 0; ox < r.outW; ++ox)
                    y[static_cast<std::size_t>((p * r.outH + oy) * r.outW + ox)] =
                        x[static_cast<std::size_t>((p * r.inH + iy) * r.inW +
                                                   source(ox, r.scaleW, r.inW))];
            }
        return tensorFrom<T>(out, r.shape, y);
    });
    setResult(ctx, 0, std::move(result));
}

// (input, output_size?, align_corners, scale_factors?)
void bilinear(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    if (!isFloatType(input.dtype())) ctx.fail("bilinear resize needs a floating-point input");
    const bool align = boolArgument(ctx, 2);
    const auto r = resizeOf(ctx, input, 1, 3, align);
    struct Tap {
        std::int64_t low, high;
        float weight;
    };
    const auto taps = [&](std::int64_t out, std::int64_t in, double scale) {
        std::vector<Tap> result;
        for (std::int64_t d = 0; d < out; ++d) {
            float src = align ? static_cast<float>(scale) * static_cast<float>(d)
                              : static_cast<float>(scale) * (static_cast<float>(d) + 0.5f) - 0.5f;
            if (src < 0) src = 0;
            const auto low = std::min(static_cast<std::int64_t>(src), in - 1);
            result.push_back({low, std::min(low + 1, in - 1), src - static_cast<float>(low)});
        }
        return result;
    };
    const auto rows = taps(r.outH, r.inH, r.scaleH);
    const auto cols = taps(r.outW, r.inW, r.scaleW);
    const auto x = elementsAs<float>(input);
    std::vector<float> y(static_cast<std::size_t>(r.planes * r.outH * r.outW));
    for (std::int64_t p = 0; p < r.planes; ++p)
        for (std::int64_t oy = 0; oy < r.outH; ++oy) {
            const auto& row = rows[static_cast<std::size_t>(oy)];
            const float* top = x.data() + (p * r.inH + row.low) * r.inW;
            const float* bottom = x.data() + (p * r.inH + row.high) * r.inW;
            for (std::int64_t ox = 0; ox < r.outW; ++ox) {
                const auto& col = cols[static_cast<std::size_t>(ox)];
                const float upper = (1 - col.weight) * top[col.low] + col.weight * top[col.high];
                const float lower =
                    (1 - col.weight) * bottom[col.low] + col.weight * bottom[col.high];
                y[static_cast<std::size_t>((p * r.outH + oy) * r.outW + ox)] =
                    (1 - row.weight) * upper + row.weight * lower;
            }
        }
    setResult(ctx, 0, tensorFrom<float>(outputType(ctx, 0, input.dtype()), r.shape, y));
}

} // namespace

void addUpsampleKernels(KernelRegistry& registry) {
    registry.add("aten::upsample_nearest2d.vec_out", nearest);
    registry.add("aten::upsample_bilinear2d.vec_out", bilinear);
}

} // namespace pteron::runtime::aten
