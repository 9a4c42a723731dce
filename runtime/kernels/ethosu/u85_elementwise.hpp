// Ethos-U85 ELEMENTWISE: each operand rescaled by its own IFM_SCALE/IFM2_SCALE, the operation
// (arithmetic, comparison, bitwise or shift), then OFM_SCALE and the output stage.
#pragma once

#include "runtime/kernels/ethosu/npu_memory.hpp"
#include "runtime/kernels/ethosu/npu_operation.hpp"

#include <string>

namespace pteron::runtime::ethosu {

// Why the executor cannot run this U85 ELEMENTWISE operation, or an empty string when it can.
std::string u85ElementwiseUnsupportedReason(const NpuOperation& op);

// RuntimeError for what u85ElementwiseUnsupportedReason names.
void runU85Elementwise(const NpuOperation& op, NpuMemory& memory);

} // namespace pteron::runtime::ethosu
