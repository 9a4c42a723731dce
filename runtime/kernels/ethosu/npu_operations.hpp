// The NPU operations the executor runs, each reading its operands from NPU memory and writing
// its part of the OFM back.
#pragma once

#include "runtime/kernels/ethosu/npu_memory.hpp"
#include "runtime/kernels/ethosu/npu_operation.hpp"
#include "runtime/kernels/ethosu/npu_rescale.hpp"
#include "runtime/kernels/ethosu/npu_weight_cache.hpp"
#include "runtime/kernels/ethosu/npu_weights.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pteron::runtime::ethosu {

// The accelerator the stream was compiled for.
struct NpuTarget {
    std::string product; // "ethos-u55"
    unsigned macsPerCycle = 128;
    std::uint64_t shramBytes = 48 * 1024;
};

// How the operation's weight stream is ordered on this accelerator (U55/U65).
WeightOrdering weightOrdering(const NpuOperation& op, const NpuTarget& target);

// CONV and DEPTHWISE run in two steps: the weight and scale streams decoded (RuntimeError when
// they are malformed or do not cover the OFM), then the multiply-accumulate.
std::shared_ptr<const DecodedWeights>
decodeConvolutionWeights(const NpuOperation& op, const NpuMemory& memory, const NpuTarget& target);
void runConvolution(const NpuOperation& op, NpuMemory& memory, const DecodedWeights& decoded);
void runPooling(const NpuOperation& op, NpuMemory& memory);
void runElementwise(const NpuOperation& op, NpuMemory& memory);
void runDma(const NpuOperation& op, NpuMemory& memory);

// Shared by the operations: the rounding mode named by the node.
Rounding roundingOf(const NpuOperation& op);

// The LUT slot (0..7) an activation reads, none for NONE; RuntimeError for the built-in
// TANH/SIGMOID functions, whose arithmetic is not published.
std::optional<unsigned> lookupTableSlot(const NpuOperation& op);

// The bytes of the SHRAM (internal memory) an accelerator has; lookup tables sit in its last
// 2 KiB.
std::uint64_t shramBytes(const std::string& product, unsigned macsPerCycle);

// Bytes the DMA's source (or destination) spans from its base, strides included.
std::uint64_t dmaExtent(const NpuOperation& op, bool source);

// What every compute operation does to its scaled result: adds the OFM zero point and clamps to
// the activation range (both only for 8- and 16-bit clip ranges), then looks the value up in the
// operation's table when the activation is a LUT.
class OutputStage {
  public:
    OutputStage(const NpuOperation& op, const NpuMemory& memory);
    std::int64_t operator()(std::int64_t scaled) const;

  private:
    enum class Table : std::uint8_t { None, Direct, Interpolated };
    std::int64_t zeroPoint_ = 0, low_ = 0, high_ = 0, clipLow_ = 0;
    std::int64_t outLow_ = 0, outHigh_ = 0;
    Table table_ = Table::None;
    std::vector<std::int32_t> entries_;
};

} // namespace pteron::runtime::ethosu
