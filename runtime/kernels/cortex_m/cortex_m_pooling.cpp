// cortex_m::quantized_avg_pool2d (arm_avgpool_s8: mean of the in-bounds window, rounded half
// away from zero) and quantized_max_pool2d (arm_max_pool_s8) on int8 NHWC activations.
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

#include <algorithm>

namespace pteron::runtime::cortex_m {

namespace {

struct PoolWindow {
    std::int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
    bool ceil = false;
};

std::int64_t pooledExtent(const KernelContext& ctx, std::int64_t input, std::int64_t kernel,
                          std::int64_t stride, std::int64_t pad, std::int64_t dilation, bool ceil) {
    const auto numerator = input + 2 * pad - dilation * (kernel - 1) - 1;
    if (numerator < 0) ctx.fail("the pooling window does not fit the padded input");
    auto output = numerator / stride + 1;
    if (ceil && numerator % stride != 0) ++output;
    if (ceil && (output - 1) * stride >= input + pad) --output;
    return output;
}

PoolWindow poolWindow(const KernelContext& ctx, std::size_t first, bool dilation) {
    const auto kernel = aten::intListArgument(ctx, first);
    const auto stride = aten::intListArgument(ctx, first + 1);
    const auto padding = aten::intListArgument(ctx, first + 2);
    const auto dilations =
        dilation ? aten::intListArgument(ctx, first + 3) : std::vector<std::int64_t>{1, 1};
    if (kernel.size() != 2 || stride.size() != 2 || padding.size() != 2 || dilations.size() != 2)
        ctx.fail("kernel, stride, padding and dilation must each have 2 entries");
    PoolWindow window{kernel[0],  kernel[1],    stride[0],    stride[1], padding[0],
                      padding[1], dilations[0], dilations[1], false};
    if (window.kh <= 0 || window.kw <= 0 || window.sh <= 0 || window.sw <= 0 || window.ph < 0 ||
        window.pw < 0 || window.dh <= 0 || window.dw <= 0)
        ctx.fail("pooling window arguments must be positive");
    return window;
}

// (input, kernel_size, stride, padding, ceil_mode, zero_point, multiplier, shift, scratch)
void averagePool(KernelContext& ctx) {
    const auto in = nhwcInput(ctx, 0);
    auto window = poolWindow(ctx, 1, false);
    window.ceil = aten::boolArgument(ctx, 4);
    const auto oh = pooledExtent(ctx, in.h, window.kh, window.sh, window.ph, 1, window.ceil);
    const auto ow = pooledExtent(ctx, in.w, window.kw, window.sw, window.pw, 1, window.ceil);
    std::vector<std::int8_t> out(static_cast<std::size_t>(elementCountOf({in.n, oh, ow, in.c})));
    const auto* x = in.data();
    for (std::int64_t b = 0; b < in.n; ++b)
        for (std::int64_t oy = 0; oy < oh; ++oy)
            for (std::int64_t ox = 0; ox < ow; ++ox)
                for (std::int64_t c = 0; c < in.c; ++c) {
                    std::int32_t sum = 0, count = 0;
                    for (auto y = oy * window.sh - window.ph;
                         y < oy * window.sh - window.ph + window.kh; ++y)
                        for (auto xx = ox * window.sw - window.pw;
                             xx < ox * window.sw - window.pw + window.kw; ++xx) {
                            if (y < 0 || xx < 0 || y >= in.h || xx >= in.w) continue;
                            sum += x[((b * in.h + y) * in.w + xx) * in.c + c];
                            ++count;
                        }
                    if (count == 0) ctx.fail("a pooling window covers no input element");
                    sum = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                    out[static_cast<std::size_t>(((b * oh + oy) * ow + ox) * in.c + c)] =
                        clampToInt8(sum, -128, 127);
                }
    setNhwcOutput(ctx, 0, out, in.n, in.c, oh, ow);
}

// (input, kernel_size, stride, padding, dilation, ceil_mode, input_zero_point,
//  output_zero_point, activation_min, activation_max)
void maxPool(KernelContext& ctx) {
    const auto in = nhwcInput(ctx, 0);
    auto window = poolWindow(ctx, 1, true);
    window.ceil = aten::boolArgument(ctx, 5);
    const auto low =
        static_cast<std::int32_t>(std::clamp<std::int64_t>(aten::intArgument(ctx, 8), -128, 127));
    const auto high =
        static_cast<std::int32_t>(std::clamp<std::int64_t>(aten::intArgument(ctx, 9), -128, 127));
    const auto oh =
        pooledExtent(ctx, in.h, window.kh, window.sh, window.ph, window.dh, window.ceil);
    const auto ow =
        pooledExtent(ctx, in.w, window.kw, window.sw, window.pw, window.dw, window.ceil);
    std::vector<std::int8_t> out(static_cast<std::size_t>(elementCountOf({in.n, oh, ow, in.c})));
    const auto* x = in.data();
    for (std::int64_t b = 0; b < in.n; ++b)
        for (std::int64_t oy = 0; oy < oh; ++oy)
            for (std::int64_t ox = 0; ox < ow; ++ox)
                for (std::int64_t c = 0; c < in.c; ++c) {
                    std::int32_t best = -128;
                    for (std::int64_t ky = 0; ky < window.kh; ++ky)
                        for (std::int64_t kx = 0; kx < window.kw; ++kx) {
                            const auto y = oy * window.sh - window.ph + ky * window.dh;
                            const auto xx = ox * window.sw - window.pw + kx * window.dw;
                            if (y < 0 || xx < 0 || y >= in.h || xx >= in.w) continue;
                            best = std::max<std::int32_t>(
                                best, x[((b * in.h + y) * in.w + xx) * in.c + c]);
                        }
                    out[static_cast<std::size_t>(((b * oh + oy) * ow + ox) * in.c + c)] =
                        clampToInt8(best, low, high);
                }
    setNhwcOutput(ctx, 0, out, in.n, in.c, oh, ow);
}

} // namespace

void addCortexMPoolingKernels(KernelRegistry& registry) {
    registry.add("cortex_m::quantized_avg_pool2d.out", averagePool);
    registry.add("cortex_m::quantized_max_pool2d.out", maxPool);
}

} // namespace pteron::runtime::cortex_m
