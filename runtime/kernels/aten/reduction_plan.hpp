// Which input elements each output element of a reduction over some dimensions combines.
#pragma once

#include "runtime/kernel_context.hpp"

#include <cstdint>
#include <vector>

namespace pteron::runtime::aten {

struct ReductionPlan {
    Shape outputShape;                 // with or without the reduced dims, as keepdim says
    std::vector<std::int64_t> bases;   // per output element: its first input element
    std::vector<std::int64_t> offsets; // per reduced element: offset from the base
};

// `dims` empty (or absent) reduces every dimension.
ReductionPlan planReduction(const KernelContext& ctx, const Shape& input,
                            const std::vector<std::int64_t>& dims, bool keepdim);
// The optional int[]? dim argument at `index` (absent: every dimension).
std::vector<std::int64_t> dimListArgument(const KernelContext& ctx, std::size_t index);

} // namespace pteron::runtime::aten
