// cat and stack of a tensor list along one dimension, in the list's common type.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cstring>

namespace pteron::runtime::aten {

namespace {

std::vector<Tensor> listArgument(const KernelContext& ctx, std::size_t index) {
    std::vector<Tensor> tensors;
    for (const auto* item : tensorListArgument(ctx, index)) {
        if (!item) ctx.fail("tensor list holds a missing tensor");
        tensors.push_back(toContiguous(*item));
    }
    return tensors;
}

// Joins `parts` (same rank) along `dim`; every other dimension must agree.
void concatenate(KernelContext& ctx, const std::vector<Tensor>& parts, std::size_t dim) {
    DType common = parts.front().dtype();
    for (const auto& part : parts)
        common = promoteTypes(common, part.dtype());
    const auto out = outputType(ctx, 0, common);
    Shape shape = parts.front().shape();
    shape[dim] = 0;
    for (const auto& part : parts) {
        if (part.rank() != shape.size())
            ctx.fail("cannot concatenate " + part.typeText() + " with " + parts.front().typeText());
        for (std::size_t d = 0; d < shape.size(); ++d)
            if (d != dim && part.dim(d) != shape[d])
                ctx.fail("cannot concatenate " + part.typeText() + " with " +
                         parts.front().typeText() + " along dimension " + std::to_string(dim));
        shape[dim] += part.dim(dim);
    }
    Tensor result(out, shape);
    const auto elementBytes = runtimeElementBytes(out);
    std::int64_t outer = 1;
    for (std::size_t d = 0; d < dim; ++d)
        outer *= shape[d];
    std::int64_t innerAll = 1;
    for (std::size_t d = dim; d < shape.size(); ++d)
        innerAll *= shape[d];
    auto* target = result.mutableBytes().data();
    std::int64_t column = 0;
    for (const auto& part : parts) {
        const auto converted = castTensor(part, out);
        const auto chunk =
            part.elementCount() / static_cast<std::uint64_t>(std::max<std::int64_t>(outer, 1));
        const auto* source = converted.bytes().data();
        for (std::int64_t o = 0; o < outer && chunk; ++o)
            std::memcpy(target + (static_cast<std::uint64_t>(o * innerAll + column)) * elementBytes,
                        source + static_cast<std::uint64_t>(o) * chunk * elementBytes,
                        chunk * elementBytes);
        column += static_cast<std::int64_t>(chunk);
    }
    setResult(ctx, 0, std::move(result));
}

void cat(KernelContext& ctx) {
    auto parts = listArgument(ctx, 0);
    // Legacy 1-d empty tensors take no part, as in PyTorch.
    std::vector<Tensor> kept;
    for (auto& part : parts)
        if (!(part.rank() == 1 && part.dim(0) == 0)) kept.push_back(part);
    if (kept.empty()) {
        if (parts.empty()) ctx.fail("cat needs at least one tensor");
        setResult(ctx, 0, parts.front());
        return;
    }
    if (kept.front().rank() == 0) ctx.fail("cannot concatenate 0-d tensors");
    const auto dim =
        normalizeDim(ctx, hasArgument(ctx, 1) ? intArgument(ctx, 1) : 0, kept.front().rank());
    concatenate(ctx, kept, dim);
}

void stack(KernelContext& ctx) {
    auto parts = listArgument(ctx, 0);
    if (parts.empty()) ctx.fail("stack needs at least one tensor");
    const auto dim =
        normalizeDim(ctx, hasArgument(ctx, 1) ? intArgument(ctx, 1) : 0, parts.front().rank() + 1);
    const auto first = parts.front();
    for (auto& part : parts) {
        if (part.shape() != first.shape())
            ctx.fail("cannot stack " + part.typeText() + " with " + first.typeText());
        auto shape = part.shape();
        shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(dim), 1);
        part = part.reshaped(shape);
    }
    concatenate(ctx, parts, dim);
}

} // namespace

void addConcatKernels(KernelRegistry& registry) {
    registry.add("aten::cat.out", cat);
    registry.add("aten::stack.out", stack);
}

} // namespace pteron::runtime::aten
