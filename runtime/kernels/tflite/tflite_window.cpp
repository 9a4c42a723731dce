#include "runtime/kernels/tflite/tflite_window.hpp"

#include <algorithm>

namespace pteron::runtime::tflite {

WindowAxis windowAxis(const KernelContext& ctx, const std::string& padding, std::int64_t input,
                      std::int64_t filter, std::int64_t stride, std::int64_t dilation) {
    if (input <= 0 || filter <= 0 || stride <= 0 || dilation <= 0 || stride > (1 << 20) ||
        dilation > (1 << 20) || filter > (1 << 20))
        ctx.fail("window sizes, strides and dilations must be positive and reasonable, given "
                 "input " +
                 std::to_string(input) + " filter " + std::to_string(filter) + " stride " +
                 std::to_string(stride) + " dilation " + std::to_string(dilation));
    WindowAxis axis{input, filter, stride, dilation, 0, 0};
    const std::int64_t effective = (filter - 1) * dilation + 1;
    if (padding == "SAME") {
        axis.output = (input + stride - 1) / stride;
    } else if (padding == "VALID") {
        axis.output = (input + stride - effective) / stride;
    } else {
        ctx.fail("padding " + padding + " is not SAME or VALID");
    }
    if (axis.output <= 0) ctx.fail("the window is larger than the input");
    const std::int64_t total =
        std::max<std::int64_t>(0, (axis.output - 1) * stride + effective - input);
    axis.padBefore = total / 2;
    return axis;
}

Window2d window2d(const KernelContext& ctx, std::int64_t inputHeight, std::int64_t inputWidth,
                  std::int64_t filterHeight, std::int64_t filterWidth, bool dilated) {
    const auto padding = ctx.enumAttribute("padding", "VALID");
    const auto strides = ctx.intsAttribute("strides", {1, 1});
    const auto dilation =
        dilated ? ctx.intsAttribute("dilation", {1, 1}) : std::vector<std::int64_t>{1, 1};
    if (strides.size() != 2 || dilation.size() != 2)
        ctx.fail("strides and dilation must hold two values");
    return {windowAxis(ctx, padding, inputHeight, filterHeight, strides[0], dilation[0]),
            windowAxis(ctx, padding, inputWidth, filterWidth, strides[1], dilation[1])};
}

} // namespace pteron::runtime::tflite
