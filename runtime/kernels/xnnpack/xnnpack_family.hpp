// The XNNPACK kernel family's registration functions, one per operator file.
#pragma once

#include "runtime/kernel_registry.hpp"

namespace pteron::runtime::xnnpack {

void addGemmKernels(KernelRegistry& registry);      // xnnpack_gemm.cpp
void addBinaryKernels(KernelRegistry& registry);    // xnnpack_binary.cpp
void addUnaryKernels(KernelRegistry& registry);     // xnnpack_unary.cpp
void addConvertKernels(KernelRegistry& registry);   // xnnpack_convert.cpp
void addPoolingKernels(KernelRegistry& registry);   // xnnpack_pooling.cpp
void addLayoutKernels(KernelRegistry& registry);    // xnnpack_layout_ops.cpp
void addAttentionKernels(KernelRegistry& registry); // xnnpack_attention.cpp

} // namespace pteron::runtime::xnnpack
