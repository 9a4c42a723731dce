// The window geometry shared by TOSA convolutions and pools: input/output extents, kernel, padding,
// stride and dilation per spatial axis (depth, height, width), checked against the specification.
#pragma once

#include "runtime/kernel_context.hpp"

#include <array>
#include <cstdint>
#include <span>

namespace pteron::runtime::tosa {

struct WindowGeometry {
    std::int64_t batch = 1;
    std::int64_t inChannels = 1;
    std::int64_t outChannels = 1;
    // Index 0 depth, 1 height, 2 width; 2-D operators keep depth at 1.
    std::array<std::int64_t, 3> in{1, 1, 1};
    std::array<std::int64_t, 3> out{1, 1, 1};
    std::array<std::int64_t, 3> kernel{1, 1, 1};
    std::array<std::int64_t, 3> padBefore{0, 0, 0};
    std::array<std::int64_t, 3> padAfter{0, 0, 0};
    std::array<std::int64_t, 3> stride{1, 1, 1};
    std::array<std::int64_t, 3> dilation{1, 1, 1};

    std::int64_t outRows() const { return batch * out[0] * out[1]; }
    std::int64_t taps() const { return kernel[0] * kernel[1] * kernel[2]; }
};

// Reads pad/stride/dilation attributes for `spatialAxes` (2 or 3) axes into `geometry` (whose
// input and kernel extents are set) and computes the output extents; fails on values the
// specification rejects.
void completeWindow(const KernelContext& ctx, WindowGeometry& geometry, std::size_t spatialAxes,
                    bool hasDilation);
// The same with the lists given (operators that take them as operands): `pad` holds two items per
// axis, `stride` and `dilation` one, for the last stride.size() axes.
void completeWindow(const KernelContext& ctx, WindowGeometry& geometry,
                    std::span<const std::int64_t> pad, std::span<const std::int64_t> stride,
                    std::span<const std::int64_t> dilation);

} // namespace pteron::runtime::tosa
