#include "runtime/kernels/aten/reduction_plan.hpp"

#include "runtime/kernels/aten/kernel_io.hpp"

namespace pteron::runtime::aten {

std::vector<std::int64_t> dimListArgument(const KernelContext& ctx, std::size_t index) {
    if (!hasArgument(ctx, index)) return {};
    return intListArgument(ctx, index);
}

namespace {

// Offsets of every element of the sub-grid spanned by `dims` (row-major over them).
std::vector<std::int64_t> gridOffsets(const Shape& shape, const std::vector<std::int64_t>& strides,
                                      const std::vector<std::size_t>& dims) {
    std::vector<std::int64_t> offsets{0};
    for (const auto d : dims) {
        std::vector<std::int64_t> next;
        next.reserve(offsets.size() * static_cast<std::size_t>(shape[d]));
        for (const auto base : offsets)
            for (std::int64_t i = 0; i < shape[d]; ++i)
                next.push_back(base + i * strides[d]);
        offsets = std::move(next);
    }
    return offsets;
}

} // namespace

ReductionPlan planReduction(const KernelContext& ctx, const Shape& input,
                            const std::vector<std::int64_t>& dims, bool keepdim) {
    const auto rank = input.size();
    std::vector<bool> reduced(rank, dims.empty());
    for (const auto dim : dims) {
        const auto d = normalizeDim(ctx, dim, rank);
        if (rank == 0) continue;
        if (reduced[d] && !dims.empty()) ctx.fail("dimension " + std::to_string(dim) + " repeats");
        reduced[d] = true;
    }
    ReductionPlan plan;
    std::vector<std::size_t> kept, gone;
    for (std::size_t d = 0; d < rank; ++d) {
        (reduced[d] ? gone : kept).push_back(d);
        if (!reduced[d])
            plan.outputShape.push_back(input[d]);
        else if (keepdim)
            plan.outputShape.push_back(1);
    }
    const auto strides = contiguousStrides(input);
    plan.bases = gridOffsets(input, strides, kept);
    plan.offsets = gridOffsets(input, strides, gone);
    if (elementCountOf(input) == 0) {
        // Bases of an empty input are meaningless; output elements then see no reduced element.
        if (elementCountOf(plan.outputShape) == 0) plan.bases.clear();
        plan.offsets.clear();
    }
    return plan;
}

} // namespace pteron::runtime::aten
