// The NPU operations the executor runs, each reading its operands from NPU memory and writing
// its part of the OFM back.
#pragma once

#include "runtime/kernels/ethosu/npu_memory.hpp"
#include "runtime/kernels/ethosu/npu_operation.hpp"
#include "runtime/kernels/ethosu/npu_rescale.hpp"
#include "runtime/kernels/ethosu/npu_weights.hpp"

#include <string>

namespace pteron::runtime::ethosu {

// The accelerator the stream was compiled for.
struct NpuTarget {
    std::string product; // "ethos-u55"
    unsigned macsPerCycle = 128;
};

// How the operation's weight stream is ordered on this accelerator (U55/U65).
WeightOrdering weightOrdering(const NpuOperation& op, const NpuTarget& target);

void runConvolution(const NpuOperation& op, NpuMemory& memory, const NpuTarget& target);
void runPooling(const NpuOperation& op, NpuMemory& memory);
void runElementwise(const NpuOperation& op, NpuMemory& memory);
void runDma(const NpuOperation& op, NpuMemory& memory);

// Shared by the operations: the rounding mode named by the node, and the final clamp.
Rounding roundingOf(const NpuOperation& op);

// The OFM type's range narrowed by the activation clamp; RuntimeError for activations (lookup
// tables) the executor lacks.
struct OutputClamp {
    std::int64_t low = 0, high = 0;
    std::int64_t operator()(std::int64_t value) const {
        return value < low ? low : value > high ? high : value;
    }
};
OutputClamp outputClamp(const NpuOperation& op);

} // namespace pteron::runtime::ethosu
