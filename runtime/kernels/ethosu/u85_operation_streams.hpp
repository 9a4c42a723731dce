// An Ethos-U85 CONV or DEPTHWISE operation's weight and scale streams, read from NPU memory and
// decoded with the block configuration its registers name.
#pragma once

#include "runtime/kernels/ethosu/npu_operations.hpp"
#include "runtime/kernels/ethosu/u85_weights.hpp"

#include <string>
#include <vector>

namespace pteron::runtime::ethosu {

// The ordering the operation's weight streams follow on `target` (one stream per core);
// RuntimeError for settings the decoder does not read (4x4 sub-kernels, sparse or IFM2 weights).
U85WeightOrdering u85WeightOrdering(const NpuOperation& op, const NpuTarget& target);

ChannelWeights decodeU85Weights(const NpuOperation& op, const NpuMemory& memory,
                                const NpuTarget& target);
std::vector<ChannelScale> decodeU85OperationScales(const NpuOperation& op, const NpuMemory& memory);

// Why the executor cannot run this U85 compute operation, or an empty string when it can.
std::string u85UnsupportedReason(const NpuOperation& op, const NpuTarget& target);

} // namespace pteron::runtime::ethosu
