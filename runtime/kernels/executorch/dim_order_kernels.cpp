// dim_order_ops::_to_dim_order_copy (cast and re-lay-out) and _clone_dim_order (re-lay-out):
// the result holds the input's logical elements, laid out in the requested dim order.
#include "runtime/kernel_context.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/executorch/executorch_family.hpp"

namespace pteron::runtime::executorch {

namespace {

// (self, non_blocking, dim_order?) -> out
void copyToDimOrder(KernelContext& ctx) {
    const auto input = aten::toContiguous(aten::tensorArgument(ctx, 0));
    const auto& target = ctx.outputValue(0);
    auto result = target.dtype == DType::Unknown ? input : aten::castTensor(input, target.dtype);
    aten::DimOrder order = target.dimOrder;
    if (aten::hasArgument(ctx, 2)) {
        order.clear();
        for (const auto dim : aten::intListArgument(ctx, 2)) {
            if (dim < 0 || dim > 255)
                ctx.fail("dim order entry " + std::to_string(dim) + " is invalid");
            order.push_back(static_cast<std::uint8_t>(dim));
        }
    }
    if (!order.empty() && !aten::isValidOrder(order, input.rank()))
        ctx.fail("dim order does not fit " + input.typeText());
    if (target.hasShape && target.dynamism == ShapeDynamism::Static &&
        target.shape != input.shape() && elementCountOf(target.shape) != input.elementCount())
        ctx.fail("copies " + input.typeText() + " into " + target.typeText());
    ctx.setOutput(0, aten::toDimOrder(result, order));
}

} // namespace

void addDimOrderKernels(KernelRegistry& registry) {
    registry.add("dim_order_ops::_to_dim_order_copy.out", copyToDimOrder);
    registry.add("dim_order_ops::_clone_dim_order.out", copyToDimOrder);
    registry.add("dim_order_ops::_empty_dim_order.out", [](KernelContext& ctx) {
        const auto& target = ctx.outputValue(0);
        Shape shape = aten::intListArgument(ctx, 0);
        Tensor result(target.dtype, shape);
        if (!aten::isContiguousOrder(target.dimOrder) && target.dimOrder.size() == shape.size())
            result.dimOrder = target.dimOrder;
        ctx.setOutput(0, std::move(result));
    });
}

} // namespace pteron::runtime::executorch
