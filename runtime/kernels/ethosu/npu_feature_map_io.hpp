// Moving feature maps between NPU memory (NHWC or NHCWB16 tiles) and dense NHWC value arrays.
#pragma once

#include "runtime/kernels/ethosu/npu_memory.hpp"
#include "runtime/kernels/ethosu/npu_operation.hpp"

#include <cstdint>
#include <vector>

namespace pteron::runtime::ethosu {

// A dense [height][width][depth] array of raw element values.
struct DenseMap {
    std::int64_t height = 0, width = 0, depth = 0;
    std::vector<std::int32_t> values;
    std::int32_t at(std::int64_t y, std::int64_t x, std::int64_t c) const {
        return values[static_cast<std::size_t>((y * width + x) * depth + c)];
    }
};

// Reads `height` x `width` x `depth` elements of `fm`; RuntimeError when they leave the region.
DenseMap loadMap(const NpuMemory& memory, const NpuFeatureMap& fm, std::int64_t height,
                 std::int64_t width, std::int64_t depth);

// The IFM a kernel operation (CONV, DEPTHWISE, POOL) reads, as the kernel sees it: with IFM
// upscaling (IFM_UPSCALE 1 nearest, 2 transpose) twice the stored rows and columns, each
// stored element repeated (nearest) or placed at the even coordinates with the IFM zero point
// between (transpose, which makes the inserted elements zero once the zero point is removed).
DenseMap loadKernelIfm(const NpuMemory& memory, const NpuOperation& op);

// Writes the OFM's height x width x depth values (already clamped to its type).
void storeMap(NpuMemory& memory, const NpuFeatureMap& fm, const std::vector<std::int64_t>& values);

} // namespace pteron::runtime::ethosu
