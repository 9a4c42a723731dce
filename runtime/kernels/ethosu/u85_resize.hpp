// Ethos-U85 RESIZE: TOSA RESIZE (nearest or bilinear, scale n/d and offset per axis) computed
// on the NPU's feature maps, then the OFM scale's shift.
#pragma once

#include "runtime/kernels/ethosu/npu_memory.hpp"
#include "runtime/kernels/ethosu/npu_operation.hpp"

namespace pteron::runtime::ethosu {

// Writes the OFM of RESIZE operation `op`; RuntimeError for the REPLICATE mode, a rounding mode
// or an IFM upscaling the executor lacks, and for maps outside their regions.
void runResize(const NpuOperation& op, NpuMemory& memory);

} // namespace pteron::runtime::ethosu
