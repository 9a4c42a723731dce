#include "runtime/kernels/tosa/tosa_convolution_geometry.hpp"

#include "runtime/kernels/tosa/tosa_operands.hpp"

namespace pteron::runtime::tosa {

namespace {

// Larger windows, strides or paddings than this are no model; they would only overflow.
constexpr std::int64_t kMaxWindow = 1 << 20;

} // namespace

void completeWindow(const KernelContext& ctx, WindowGeometry& geometry, std::size_t spatialAxes,
                    bool hasDilation) {
    const auto pad = sizedInts(ctx, "pad", 2 * spatialAxes);
    const auto stride = sizedInts(ctx, "stride", spatialAxes);
    const auto dilation = hasDilation ? sizedInts(ctx, "dilation", spatialAxes)
                                      : std::vector<std::int64_t>(spatialAxes, 1);
    completeWindow(ctx, geometry, pad, stride, dilation);
}

void completeWindow(const KernelContext& ctx, WindowGeometry& geometry,
                    std::span<const std::int64_t> pad, std::span<const std::int64_t> stride,
                    std::span<const std::int64_t> dilation) {
    const auto spatialAxes = stride.size();
    if (spatialAxes < 1 || spatialAxes > 3 || pad.size() != 2 * spatialAxes ||
        dilation.size() != spatialAxes)
        ctx.fail("pad, stride and dilation must hold 2, 1 and 1 items per spatial axis");
    const auto first = 3 - spatialAxes;
    for (std::size_t axis = 0; axis < spatialAxes; ++axis) {
        const auto at = first + axis;
        geometry.padBefore[at] = pad[2 * axis];
        geometry.padAfter[at] = pad[2 * axis + 1];
        geometry.stride[at] = stride[axis];
        geometry.dilation[at] = dilation[axis];
    }
    for (std::size_t at = 0; at < 3; ++at) {
        if (geometry.padBefore[at] < 0 || geometry.padAfter[at] < 0 ||
            geometry.padBefore[at] > kMaxWindow || geometry.padAfter[at] > kMaxWindow)
            ctx.fail("padding must be between 0 and " + std::to_string(kMaxWindow));
        if (geometry.stride[at] < 1 || geometry.stride[at] > kMaxWindow)
            ctx.fail("stride must be between 1 and " + std::to_string(kMaxWindow));
        if (geometry.dilation[at] < 1 || geometry.dilation[at] > kMaxWindow)
            ctx.fail("dilation must be between 1 and " + std::to_string(kMaxWindow));
        if (geometry.kernel[at] < 1 || geometry.kernel[at] > kMaxWindow)
            ctx.fail("kernel extents must be between 1 and " + std::to_string(kMaxWindow));
        const auto full = geometry.in[at] - 1 + geometry.padBefore[at] + geometry.padAfter[at] -
                          (geometry.kernel[at] - 1) * geometry.dilation[at];
        if (geometry.in[at] < 1 || full < 0) ctx.fail("the window does not fit the padded input");
        geometry.out[at] = full / geometry.stride[at] + 1;
    }
}

} // namespace pteron::runtime::tosa
