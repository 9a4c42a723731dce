// TOSA GATHER (values [N,K,C], indices [N,W] -> [N,W,C]) and SCATTER (values_in [N,K,C],
// indices [N,W], input [N,W,C] -> values_in with rows replaced). Indices are checked before any
// element moves.
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <cstring>

namespace pteron::runtime::tosa {

namespace {

std::vector<std::int64_t> checkedIndices(const KernelContext& ctx, const Tensor& indices,
                                         std::int64_t batches, std::int64_t limit) {
    requireRank(ctx, indices, 2, "indices");
    if (indices.dim(0) != batches) ctx.fail("indices " + indices.typeText() + " batch differs");
    auto values = integersOf(ctx, indices);
    for (const auto index : values)
        if (index < 0 || index >= limit)
            ctx.fail("index " + std::to_string(index) + " is outside [0, " + std::to_string(limit) +
                     ")");
    return values;
}

void gather(KernelContext& ctx) {
    const auto& values = ctx.input(0);
    requireRank(ctx, values, 3, "values");
    const auto n = values.dim(0), k = values.dim(1), c = values.dim(2);
    const auto indices = checkedIndices(ctx, ctx.input(1), n, k);
    const auto w = ctx.input(1).dim(1);
    const Shape shape{n, w, c};
    checkOutputShape(ctx, 0, shape);
    Tensor output(values.dtype(), shape);
    const auto row = static_cast<std::size_t>(c) * runtimeElementBytes(values.dtype());
    const auto* in = values.bytes().data();
    auto* out = output.mutableBytes().data();
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t i = 0; i < w; ++i) {
            const auto index = indices[static_cast<std::size_t>(b * w + i)];
            std::memcpy(out + static_cast<std::size_t>(b * w + i) * row,
                        in + static_cast<std::size_t>(b * k + index) * row, row);
        }
    ctx.setOutput(0, std::move(output));
}

void scatter(KernelContext& ctx) {
    const auto& valuesIn = ctx.input(0);
    const auto& input = ctx.input(2);
    requireRank(ctx, valuesIn, 3, "values_in");
    requireRank(ctx, input, 3, "input");
    const auto n = valuesIn.dim(0), k = valuesIn.dim(1), c = valuesIn.dim(2);
    const auto indices = checkedIndices(ctx, ctx.input(1), n, k);
    const auto w = ctx.input(1).dim(1);
    if (input.dtype() != valuesIn.dtype() || input.shape() != Shape{n, w, c})
        ctx.fail("input " + input.typeText() + " does not fit values_in " + valuesIn.typeText() +
                 " and indices");
    checkOutputShape(ctx, 0, valuesIn.shape());
    Tensor output = valuesIn;
    const auto row = static_cast<std::size_t>(c) * runtimeElementBytes(valuesIn.dtype());
    auto* out = output.mutableBytes().data();
    const auto* in = input.bytes().data();
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t i = 0; i < w; ++i) {
            const auto index = indices[static_cast<std::size_t>(b * w + i)];
            std::memcpy(out + static_cast<std::size_t>(b * k + index) * row,
                        in + static_cast<std::size_t>(b * w + i) * row, row);
        }
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addScatterGatherKernels(KernelRegistry& registry) {
    registry.add("tosa.GATHER", gather);
    registry.add("tosa.SCATTER", scatter);
}

} // namespace pteron::runtime::tosa
