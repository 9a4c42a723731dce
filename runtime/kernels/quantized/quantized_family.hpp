// Registration functions of the quantized kernel files, called by quantized_kernels.cpp.
#pragma once

#include "runtime/kernel_registry.hpp"

namespace pteron::runtime::quantized {

void addQuantizeKernels(KernelRegistry& registry);

} // namespace pteron::runtime::quantized
