// DMA between regions and into the NPU's internal memory: 1-D copies and the strided 2-D/3-D
// forms of the U55/U65 DMA unit.
#include "runtime/kernels/ethosu/npu_operations.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::runtime::ethosu {
namespace {

// The transfer's shape: `rows` chunks of `length` bytes per plane, `planes` planes. A strided
// side starts row i at i * (length + skip0) and, in 3-D, plane j at j * (the plane's rows +
// skip1); a 1-D side is contiguous. U55/U65 share the skips between both sides (the rule the
// Linux ethosu driver checks transfers by: each 2-D side spans (length + skip0) * size0 bytes,
// each 3-D side that plus skip1, times size1).
// Far above the memory any command stream may reserve.
constexpr std::uint64_t kDmaLimit = std::uint64_t{1} << 32;

struct DmaShape {
    std::uint64_t length = 0, rows = 1, planes = 1;
    std::uint64_t rowPitch = 0, planePitch = 0;

    std::uint64_t offset(unsigned mode, std::uint64_t plane, std::uint64_t row) const {
        const auto chunk = plane * rows + row;
        if (mode == 0) return chunk * length;
        if (mode == 1) return chunk * rowPitch;
        return plane * planePitch + row * rowPitch;
    }
    std::uint64_t extent(unsigned mode) const {
        if (length == 0 || rows == 0 || planes == 0) return 0;
        return offset(mode, planes - 1, rows - 1) + length;
    }
};

DmaShape shapeOf(const NpuOperation& op) {
    DmaShape shape;
    // One DMA0_LEN register sizes both sides.
    if (op.dmaSource->length != op.dmaDestination->length)
        throw RuntimeError("the DMA's source and destination lengths differ");
    shape.length = op.dmaSource->length;
    const auto highest = std::max(op.dmaSourceMode, op.dmaDestinationMode);
    if (highest >= 1) shape.rows = op.dmaSizes[0];
    if (highest == 2) shape.planes = op.dmaSizes[1];
    // Lengths and skips are below 2^41 and rows below 2^16 (the register fields).
    shape.rowPitch = shape.length + op.dmaSkips[0];
    shape.planePitch = shape.rowPitch * shape.rows + op.dmaSkips[1];
    return shape;
}

// The bytes a transfer moves may not pass `budget` (divisions, so no product can wrap).
void checkSize(const DmaShape& shape, std::uint64_t budget) {
    if (shape.length == 0 || shape.rows == 0 || shape.planes == 0) return;
    // Strided sides span their pitches too; both stay below the budget or the transfer fails.
    const bool pitchesFit =
        shape.rowPitch <= budget / shape.rows && shape.planePitch <= budget / shape.planes;
    if (shape.length <= budget / shape.rows / shape.planes && pitchesFit) return;
    throw RuntimeError("a DMA of " + std::to_string(shape.planes) + " x " +
                       std::to_string(shape.rows) + " x " + std::to_string(shape.length) +
                       " bytes is larger than the command stream's memory");
}

} // namespace

std::uint64_t dmaExtent(const NpuOperation& op, bool source) {
    if (!op.dmaSource || !op.dmaDestination) return 0;
    const auto shape = shapeOf(op);
    checkSize(shape, kDmaLimit);
    return shape.extent(source ? op.dmaSourceMode : op.dmaDestinationMode);
}

void runDma(const NpuOperation& op, NpuMemory& memory) {
    if (!op.dmaSource || !op.dmaDestination) throw RuntimeError("the DMA names no source");
    const auto shape = shapeOf(op);
    checkSize(shape, kDmaLimit);
    if (shape.length == 0 || shape.rows == 0 || shape.planes == 0) return;
    const auto& from = *op.dmaSource;
    const auto& to = *op.dmaDestination;
    if (shape.extent(op.dmaSourceMode) > UINT64_MAX - from.begin ||
        shape.extent(op.dmaDestinationMode) > UINT64_MAX - to.begin)
        throw RuntimeError("a DMA addresses past 2^64");
    for (std::uint64_t plane = 0; plane < shape.planes; ++plane)
        for (std::uint64_t row = 0; row < shape.rows; ++row) {
            const auto source = memory.read(
                from.region, from.begin + shape.offset(op.dmaSourceMode, plane, row), shape.length);
            const auto target =
                memory.write(to.region, to.begin + shape.offset(op.dmaDestinationMode, plane, row),
                             shape.length);
            // Source and destination may overlap inside one region.
            std::memmove(target.data(), source.data(), source.size());
        }
}

} // namespace pteron::runtime::ethosu
