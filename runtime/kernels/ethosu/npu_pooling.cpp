// POOL: max, average and sums over the kernel window (or over channels for REDUCE_SUM), with
// the global OFM scale when Vela programs one.
#include "runtime/kernels/ethosu/npu_feature_map_io.hpp"
#include "runtime/kernels/ethosu/npu_operations.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <limits>

namespace pteron::runtime::ethosu {
namespace {

// Average over `count` values rounded half away from zero, as without a global scale the
// NPU divides by the elements inside the IFM.
std::int64_t averageOf(std::int64_t sum, std::int64_t count) {
    if (count <= 0) return 0;
    return sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count);
}

} // namespace

void runPooling(const NpuOperation& op, NpuMemory& memory) {
    const bool reduceSum = op.mode == "REDUCE_SUM";
    const bool maximum = op.mode == "MAX";
    const bool average = op.mode == "AVERAGE";
    const bool sum = op.mode == "SUM";
    if (!reduceSum && !maximum && !average && !sum)
        throw RuntimeError("pooling mode " + op.mode + " is not supported yet");
    const auto ifm = loadKernelIfm(memory, op);
    const auto rounding = roundingOf(op);
    const OutputStage stage(op, memory);
    const auto scale = [&](std::int64_t value) {
        return op.globalScale ? rescale(value, op.ofmMultiplier, op.ofmShift, rounding) : value;
    };
    const auto zero = op.ifm.zeroPoint;
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(op.ofm.height * op.ofm.width * op.ofm.depth));
    for (std::int64_t oy = 0; oy < op.ofm.height; ++oy)
        for (std::int64_t ox = 0; ox < op.ofm.width; ++ox) {
            for (std::int64_t c = 0; c < op.ofm.depth; ++c) {
                std::int64_t total = 0, count = 0;
                std::int64_t best = std::numeric_limits<std::int64_t>::min();
                for (std::int64_t ky = 0; ky < op.kernelHeight; ++ky) {
                    const auto y = oy * op.strideY - op.padTop + ky * op.dilationY;
                    if (y < 0 || y >= ifm.height) continue;
                    for (std::int64_t kx = 0; kx < op.kernelWidth; ++kx) {
                        const auto x = ox * op.strideX - op.padLeft + kx * op.dilationX;
                        if (x < 0 || x >= ifm.width) continue;
                        if (reduceSum) {
                            for (std::int64_t i = 0; i < ifm.depth; ++i)
                                total += ifm.at(y, x, i) - zero;
                            ++count;
                            continue;
                        }
                        const std::int64_t value = ifm.at(y, x, c) - zero;
                        best = std::max(best, value);
                        total += value;
                        ++count;
                    }
                }
                std::int64_t result = 0;
                if (maximum)
                    result = count ? scale(best) : 0;
                else if (average && !op.globalScale)
                    result = averageOf(total, count);
                else
                    result = scale(total);
                out.push_back(stage(result));
            }
        }
    storeMap(memory, op.ofm, out);
}

} // namespace pteron::runtime::ethosu
