// Sliding-window geometry of TFLite convolution and pooling: output size and the padding
// before the first row/column for SAME and VALID.
#pragma once

#include "runtime/kernel_context.hpp"

#include <cstdint>

namespace pteron::runtime::tflite {

struct WindowAxis {
    std::int64_t input = 0;
    std::int64_t filter = 0;
    std::int64_t stride = 1;
    std::int64_t dilation = 1;
    std::int64_t output = 0;
    std::int64_t padBefore = 0;
};

// ComputeOutSize / ComputePaddingHeightWidth; fails on non-positive sizes or strides.
WindowAxis windowAxis(const KernelContext& ctx, const std::string& padding, std::int64_t input,
                      std::int64_t filter, std::int64_t stride, std::int64_t dilation);

struct Window2d {
    WindowAxis height;
    WindowAxis width;
};

// Reads padding, strides and dilation (when `dilated`) attributes of the node.
Window2d window2d(const KernelContext& ctx, std::int64_t inputHeight, std::int64_t inputWidth,
                  std::int64_t filterHeight, std::int64_t filterWidth, bool dilated);

} // namespace pteron::runtime::tflite
