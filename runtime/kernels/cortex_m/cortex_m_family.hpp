// Registration functions of the cortex_m kernel files and the NHWC access they share.
#pragma once

#include "runtime/kernel_context.hpp"
#include "runtime/kernel_registry.hpp"

#include <cstdint>
#include <vector>

namespace pteron::runtime::cortex_m {

void addCortexMQuantizeKernels(KernelRegistry& registry);
void addCortexMConvolutionKernels(KernelRegistry& registry);
void addCortexMLinearKernels(KernelRegistry& registry);
void addCortexMPoolingKernels(KernelRegistry& registry);
void addCortexMLayoutKernels(KernelRegistry& registry);
void addCortexMElementwiseKernels(KernelRegistry& registry);
void addCortexMSoftmaxKernels(KernelRegistry& registry);

// A 4-d int8 activation with its bytes in NHWC order (CMSIS-NN's layout).
struct NhwcTensor {
    Tensor tensor;
    std::int64_t n = 0, h = 0, w = 0, c = 0;
    const std::int8_t* data() const;
};
NhwcTensor nhwcInput(const KernelContext& ctx, std::size_t index);
// int8 NHWC bytes of logical shape [n, c, h, w], stored as the out Value wants.
void setNhwcOutput(KernelContext& ctx, std::size_t index, const std::vector<std::int8_t>& bytes,
                   std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w);
// An int32 per-channel parameter tensor with `count` entries.
std::vector<std::int32_t> int32Parameters(const KernelContext& ctx, std::size_t index,
                                          std::int64_t count);
// Requantisation shifts must lie in [-31, 30].
void checkShifts(const KernelContext& ctx, const std::vector<std::int32_t>& shifts);
std::int8_t clampToInt8(std::int32_t value, std::int32_t low, std::int32_t high);

} // namespace pteron::runtime::cortex_m
