// executorch::move (copy a value), executorch::free (release it) and executorch::view (the
// static view the reader inserts where two values share planned storage), and
// executorch_prim::et_view (a view to a size list).
#include "runtime/kernel_context.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/executorch/executorch_family.hpp"

#include <optional>

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

// executorch_prim::et_view(self, size): the size list may hold one -1, the dimension the
// element count leaves.
void sizedView(KernelContext& ctx) {
    const auto input = aten::toContiguous(aten::tensorArgument(ctx, 0));
    auto shape = aten::intListArgument(ctx, 1);
    std::int64_t known = 1;
    std::optional<std::size_t> inferred;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == -1 && !inferred) {
            inferred = d;
            continue;
        }
        if (shape[d] < 0) ctx.fail("view size " + shapeText(shape) + " has a negative dimension");
        known = static_cast<std::int64_t>(elementCountOf({known, shape[d]}));
    }
    const auto count = static_cast<std::int64_t>(input.elementCount());
    if (inferred) {
        if (known == 0 || count % known != 0)
            ctx.fail("cannot view " + input.typeText() + " as " + shapeText(shape));
        shape[*inferred] = count / known;
    }
    if (static_cast<std::int64_t>(elementCountOf(shape)) != count)
        ctx.fail("cannot view " + input.typeText() + " as " + shapeText(shape));
    ctx.setOutput(0, input.reshaped(shape));
}

} // namespace

void addValueKernels(KernelRegistry& registry) {
    registry.add("executorch_prim::et_view.default", sizedView);
    registry.add("executorch::move", move);
    // Buffers are released after their last use anyway; nothing more to do.
    registry.add("executorch::free", [](KernelContext&) {});
    registry.add("executorch::view", view);
}

} // namespace pteron::runtime::executorch
