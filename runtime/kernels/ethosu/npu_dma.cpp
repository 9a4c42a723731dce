// DMA between regions, and the helpers every operation shares.
#include "runtime/kernels/ethosu/npu_operations.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::runtime::ethosu {

void runDma(const NpuOperation& op, NpuMemory& memory) {
    if (!op.dmaSource || !op.dmaDestination) throw RuntimeError("the DMA names no source");
    const auto length = std::min(op.dmaSource->length, op.dmaDestination->length);
    const auto source = memory.read(op.dmaSource->region, op.dmaSource->begin, length);
    const auto target = memory.write(op.dmaDestination->region, op.dmaDestination->begin, length);
    // Source and destination may overlap inside one region.
    std::memmove(target.data(), source.data(), source.size());
}

Rounding roundingOf(const NpuOperation& op) {
    // Ethos-U85 names the U55's modes DOUBLE_SYMMETRIC and TRUNCATE_TO_ZERO.
    if (op.rounding == "TRUNCATE" || op.rounding == "TRUNCATE_TO_ZERO") return Rounding::Truncate;
    if (op.rounding == "NATURAL") return Rounding::Natural;
    if (op.rounding == "TFL" || op.rounding == "DOUBLE_SYMMETRIC") return Rounding::Tfl;
    throw RuntimeError("rounding mode " + op.rounding + " is not supported yet");
}

OutputClamp outputClamp(const NpuOperation& op) {
    if (op.activation != "NONE")
        throw RuntimeError("activation " + op.activation + " is not supported yet");
    auto low = op.ofm.minValue();
    auto high = op.ofm.maxValue();
    // The clamp registers hold 16-bit values; they bound 8- and 16-bit outputs only.
    if (op.ofm.elementBytes <= 2) {
        low = std::max(low, op.activationMin);
        high = std::min(high, op.activationMax);
    }
    if (low > high) high = low;
    return {low, high};
}

} // namespace pteron::runtime::ethosu
