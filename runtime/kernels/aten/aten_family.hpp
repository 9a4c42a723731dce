// Registration functions of the aten kernel files, called by aten_kernels.cpp.
#pragma once

#include "runtime/kernel_registry.hpp"

namespace pteron::runtime::aten {

void addBinaryKernels(KernelRegistry& registry);
void addComparisonKernels(KernelRegistry& registry);
void addUnaryKernels(KernelRegistry& registry);
void addActivationKernels(KernelRegistry& registry);
void addReductionKernels(KernelRegistry& registry);
void addSoftmaxKernels(KernelRegistry& registry);
void addMatmulKernels(KernelRegistry& registry);
void addConvolutionKernels(KernelRegistry& registry);
void addPoolingKernels(KernelRegistry& registry);
void addUpsampleKernels(KernelRegistry& registry);
void addNormalizationKernels(KernelRegistry& registry);
void addShapeKernels(KernelRegistry& registry);
void addConcatKernels(KernelRegistry& registry);
void addIndexingKernels(KernelRegistry& registry);
void addCreationKernels(KernelRegistry& registry);

} // namespace pteron::runtime::aten
