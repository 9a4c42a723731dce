// executorch::move (copy a value), executorch::free (release it) and executorch::view (the
// static view the reader inserts where two values share planned storage).
#include "runtime/kernel_context.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/executorch/executorch_family.hpp"

namespace pteron::runtime::executorch {

namespace {

void move(KernelContext& ctx) {
    const auto& value = ctx.inputValue(0);
    if (value.kind == ValueKind::Scalar || !ctx.hasInput(0)) {
        ctx.setScalarOutput(0, ctx.scalarInput(0));
        return;
    }
    ctx.setOutput(0, ctx.input(0));
}

void view(KernelContext& ctx) {
    const auto input = aten::toContiguous(ctx.input(0));
    const auto& target = ctx.outputValue(0);
    if (!target.hasShape) ctx.fail("the view's output has no shape");
    Shape shape = target.shape;
    for (const auto dim : shape)
        if (dim < 0) ctx.fail("the view's output shape " + target.typeText() + " is not known");
    if (elementCountOf(shape) != input.elementCount())
        ctx.fail("cannot view " + input.typeText() + " as " + target.typeText());
    auto result = input.reshaped(shape);
    if (!aten::isContiguousOrder(target.dimOrder) && target.dimOrder.size() == shape.size())
        result = aten::toDimOrder(result, target.dimOrder);
    ctx.setOutput(0, std::move(result));
}

} // namespace

void addValueKernels(KernelRegistry& registry) {
    registry.add("executorch::move", move);
    // Buffers are released after their last use anyway; nothing more to do.
    registry.add("executorch::free", [](KernelContext&) {});
    registry.add("executorch::view", view);
}

} // namespace pteron::runtime::executorch
