#include "runtime/kernels/ethosu/u85_resize.hpp"

#include "runtime/kernels/ethosu/npu_feature_map_io.hpp"
#include "runtime/kernels/ethosu/npu_operations.hpp"
#include "runtime/kernels/ethosu/u85_scaling.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>

namespace pteron::runtime::ethosu {
namespace {

// Vela programs RESIZE's OFM_SCALE as multiplier 1 and shift 16 + log2(y_n * x_n) for bilinear
// (TOSA's weighted sum divided by the weights' total), 16 for nearest (the value itself): the
// NPU carries the resized value with 16 fractional bits.
constexpr int kFractionBits = 16;

std::int64_t floorDivide(std::int64_t value, std::int64_t divisor) {
    const auto quotient = value / divisor;
    return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

// value * multiplier / 2^shift in the OFM rounding mode.
std::int64_t scaleOutput(std::int64_t value, const NpuOperation& op) {
    const auto rounding = u85RoundingOf(op.rounding);
    if (!rounding)
        throw RuntimeError("rounding mode " + op.rounding + " is not supported for RESIZE yet");
    return u85Rescale(value, op.ofmMultiplier, op.ofmShift, 0, *rounding);
}

// One axis of TOSA RESIZE for output coordinate `o`: the two input positions and the
// fraction `d` of the step between them (in units of 1/n).
struct Sample {
    std::int64_t low = 0, high = 0, fraction = 0;
};

Sample sampleOf(std::int64_t o, std::int64_t n, std::int64_t d, std::int64_t offset,
                std::int64_t size) {
    const auto position = o * d + offset;
    const auto index = floorDivide(position, n);
    Sample s;
    s.fraction = position - index * n;
    s.low = std::clamp<std::int64_t>(index, 0, size - 1);
    s.high = std::clamp<std::int64_t>(index + 1, 0, size - 1);
    return s;
}

} // namespace

void runResize(const NpuOperation& op, NpuMemory& memory) {
    const bool bilinear = op.mode == "BILINEAR";
    if (!bilinear && op.mode != "NEAREST")
        throw RuntimeError("resize mode " + op.mode + " is not supported yet");
    if (op.ifmUpscale != 0) throw RuntimeError("IFM upscaling is not supported yet");
    if (op.ofm.depth > op.ifm.depth)
        throw RuntimeError("a RESIZE OFM cannot have more channels than its IFM");
    const auto ifm = loadMap(memory, op.ifm, op.ifm.height, op.ifm.width, op.ifm.depth);
    const auto [yn, yd, xn, xd] = op.resizeScale;
    const OutputStage stage(op, memory);
    const auto zero = op.ifm.zeroPoint;
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(op.ofm.height * op.ofm.width * op.ofm.depth));
    for (std::int64_t oy = 0; oy < op.ofm.height; ++oy) {
        const auto y = sampleOf(oy, yn, yd, op.resizeOffset[0], ifm.height);
        for (std::int64_t ox = 0; ox < op.ofm.width; ++ox) {
            const auto x = sampleOf(ox, xn, xd, op.resizeOffset[1], ifm.width);
            for (std::int64_t c = 0; c < op.ofm.depth; ++c) {
                const auto at = [&](std::int64_t row, std::int64_t column) {
                    return std::int64_t{ifm.at(row, column, c)} - zero;
                };
                std::int64_t value = 0;
                if (bilinear) {
                    value = at(y.low, x.low) * (yn - y.fraction) * (xn - x.fraction) +
                            at(y.low, x.high) * (yn - y.fraction) * x.fraction +
                            at(y.high, x.low) * y.fraction * (xn - x.fraction) +
                            at(y.high, x.high) * y.fraction * x.fraction;
                } else {
                    value = at(2 * y.fraction >= yn ? y.high : y.low,
                               2 * x.fraction >= xn ? x.high : x.low);
                }
                out.push_back(stage(scaleOutput(value * (std::int64_t{1} << kFractionBits), op)));
            }
        }
    }
    storeMap(memory, op.ofm, out);
}

} // namespace pteron::runtime::ethosu
