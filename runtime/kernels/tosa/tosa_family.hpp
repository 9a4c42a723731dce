// The per-file registration functions of the TOSA kernel family, called by tosa_kernels.cpp.
#pragma once

#include "runtime/kernel_registry.hpp"

namespace pteron::runtime::tosa {

void addConvolutionKernels(KernelRegistry& registry);
void addPoolingKernels(KernelRegistry& registry);
void addTypeConversionKernels(KernelRegistry& registry);
void addActivationKernels(KernelRegistry& registry);
void addElementwiseBinaryKernels(KernelRegistry& registry);
void addElementwiseUnaryKernels(KernelRegistry& registry);
void addTableKernels(KernelRegistry& registry);
void addReductionKernels(KernelRegistry& registry);
void addDataLayoutKernels(KernelRegistry& registry);
void addScatterGatherKernels(KernelRegistry& registry);
void addResizeKernels(KernelRegistry& registry);
void addFftKernels(KernelRegistry& registry);
void addControlFlowKernels(KernelRegistry& registry);
void addShapeKernels(KernelRegistry& registry);
void addBlockScaledKernels(KernelRegistry& registry);

} // namespace pteron::runtime::tosa
