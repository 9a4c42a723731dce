#include "runtime/kernels/ethosu/npu_feature_map_io.hpp"

#include "runtime/runtime_error.hpp"

#include <cstring>
#include <string>

namespace pteron::runtime::ethosu {
namespace {

std::int32_t loadElement(const std::uint8_t* p, const NpuFeatureMap& fm) {
    switch (fm.elementBytes) {
    case 1:
        return fm.isSigned ? static_cast<std::int8_t>(p[0]) : p[0];
    case 2: {
        const auto raw = static_cast<std::uint16_t>(p[0] | p[1] << 8);
        return fm.isSigned ? static_cast<std::int16_t>(raw) : raw;
    }
    default: {
        std::uint32_t raw = 0;
        std::memcpy(&raw, p, 4);
        return static_cast<std::int32_t>(raw);
    }
    }
}

void storeElement(std::uint8_t* p, const NpuFeatureMap& fm, std::int64_t value) {
    const auto raw = static_cast<std::uint64_t>(value);
    for (unsigned b = 0; b < fm.elementBytes; ++b)
        p[b] = static_cast<std::uint8_t>(raw >> (8 * b));
}

// Every address of the map lies in [lowest base, end): check that span once.
std::pair<std::uint64_t, std::uint64_t> span(const NpuFeatureMap& fm, std::int64_t height,
                                             std::int64_t width, std::int64_t depth) {
    if (fm.elementBytes > 4)
        throw RuntimeError("Ethos-U feature maps of " + std::to_string(8 * fm.elementBytes) +
                           "-bit elements are not supported");
    NpuFeatureMap sized = fm;
    sized.height = height;
    sized.width = width;
    sized.depth = depth;
    std::uint64_t begin = fm.bases[0];
    if (width > fm.width0) begin = std::min(begin, fm.bases[1]);
    if (height > fm.height0) begin = std::min(begin, fm.bases[2]);
    if (width > fm.width0 && height > fm.height1) begin = std::min(begin, fm.bases[3]);
    return {begin, sized.end()};
}

// Byte offset of each channel from its pixel's first channel (the same for every pixel).
std::vector<std::uint64_t> channelOffsets(const NpuFeatureMap& fm, std::int64_t depth) {
    std::vector<std::uint64_t> offsets(static_cast<std::size_t>(depth));
    const auto origin = fm.address(0, 0, 0);
    for (std::int64_t c = 0; c < depth; ++c)
        offsets[static_cast<std::size_t>(c)] = fm.address(0, 0, c) - origin;
    return offsets;
}

} // namespace

DenseMap loadMap(const NpuMemory& memory, const NpuFeatureMap& fm, std::int64_t height,
                 std::int64_t width, std::int64_t depth) {
    DenseMap map{height, width, depth, {}};
    const auto [begin, end] = span(fm, height, width, depth);
    const auto bytes = memory.read(fm.region, begin, end - begin);
    map.values.resize(static_cast<std::size_t>(height * width * depth));
    const auto offsets = channelOffsets(fm, depth);
    std::size_t next = 0;
    for (std::int64_t y = 0; y < height; ++y)
        for (std::int64_t x = 0; x < width; ++x) {
            const auto* pixel = bytes.data() + (fm.address(y, x, 0) - begin);
            for (const auto offset : offsets)
                map.values[next++] = loadElement(pixel + offset, fm);
        }
    return map;
}

DenseMap loadKernelIfm(const NpuMemory& memory, const NpuOperation& op) {
    auto stored = loadMap(memory, op.ifm, op.ifmHeight(), op.ifmWidth(), op.ifm.depth);
    if (op.ifmUpscale == 0) return stored;
    if (op.ifmUpscale > 2)
        throw RuntimeError("IFM upscale mode " + std::to_string(op.ifmUpscale) + " is reserved");
    const bool nearest = op.ifmUpscale == 1;
    DenseMap up{2 * stored.height, 2 * stored.width, stored.depth, {}};
    up.values.reserve(static_cast<std::size_t>(up.height * up.width * up.depth));
    const auto zero = static_cast<std::int32_t>(op.ifm.zeroPoint);
    for (std::int64_t y = 0; y < up.height; ++y)
        for (std::int64_t x = 0; x < up.width; ++x) {
            const bool sampled = nearest || (y % 2 == 0 && x % 2 == 0);
            for (std::int64_t c = 0; c < up.depth; ++c)
                up.values.push_back(sampled ? stored.at(y / 2, x / 2, c) : zero);
        }
    return up;
}

void storeMap(NpuMemory& memory, const NpuFeatureMap& fm, const std::vector<std::int64_t>& values) {
    const auto [begin, end] = span(fm, fm.height, fm.width, fm.depth);
    const auto bytes = memory.write(fm.region, begin, end - begin);
    const auto offsets = channelOffsets(fm, fm.depth);
    std::size_t next = 0;
    for (std::int64_t y = 0; y < fm.height; ++y)
        for (std::int64_t x = 0; x < fm.width; ++x) {
            auto* pixel = bytes.data() + (fm.address(y, x, 0) - begin);
            for (const auto offset : offsets)
                storeElement(pixel + offset, fm, values[next++]);
        }
}

} // namespace pteron::runtime::ethosu
