// The 3-d convolution that convolution.out hands 5-d inputs to (op_volume.cpp).
#pragma once

#include "runtime/kernel_context.hpp"

namespace pteron::runtime::aten {

void convolution3d(KernelContext& ctx);

} // namespace pteron::runtime::aten
