// Registration functions of the executorch kernel files, called by executorch_kernels.cpp.
#pragma once

#include "runtime/kernel_registry.hpp"

namespace pteron::runtime::executorch {

void addValueKernels(KernelRegistry& registry);
void addPrimKernels(KernelRegistry& registry);
void addDimOrderKernels(KernelRegistry& registry);
void addLstmKernels(KernelRegistry& registry);

} // namespace pteron::runtime::executorch
