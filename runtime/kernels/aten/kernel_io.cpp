#include "runtime/kernels/aten/kernel_io.hpp"

#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/type_promotion.hpp"

namespace pteron::runtime::aten {

Tensor contiguousInput(const KernelContext& ctx, std::size_t index) {
    try {
        return toContiguous(ctx.input(index));
    } catch (const RuntimeError& error) {
        ctx.fail(error.what());
    }
}

bool given(const KernelContext& ctx, std::size_t index) {
    return ctx.hasInput(index);
}

std::optional<Tensor> optionalInput(const KernelContext& ctx, std::size_t index) {
    if (!ctx.hasInput(index)) return std::nullopt;
    return contiguousInput(ctx, index);
}

DType outputType(const KernelContext& ctx, std::size_t index, DType fallback) {
    if (!ctx.hasOutput(index)) return fallback;
    const auto dtype = ctx.outputValue(index).dtype;
    return dtype == DType::Unknown ? fallback : dtype;
}

void setResult(KernelContext& ctx, std::size_t index, Tensor result) {
    if (!ctx.hasOutput(index)) return;
    const auto& value = ctx.outputValue(index);
    try {
        if (value.dtype != DType::Unknown && value.dtype != result.dtype())
            result = castTensor(result, value.dtype);
        if (value.hasShape && value.dynamism == ShapeDynamism::Static) {
            bool known = true;
            for (const auto dim : value.shape)
                known = known && dim >= 0;
            if (known && elementCountOf(value.shape) != result.elementCount())
                ctx.fail("computes " + result.typeText() + " but the out tensor is planned as " +
                         value.typeText());
        }
        if (!isContiguousOrder(value.dimOrder) && value.dimOrder.size() == result.rank())
            result = toDimOrder(result, value.dimOrder);
        else
            result = toContiguous(result);
    } catch (const RuntimeError& error) {
        if (std::string(error.what()).starts_with("graph ")) throw;
        ctx.fail(error.what());
    }
    ctx.setOutput(index, std::move(result));
}

std::size_t normalizeDim(const KernelContext& ctx, std::int64_t dim, std::size_t rank) {
    const auto extent = static_cast<std::int64_t>(rank == 0 ? 1 : rank);
    const auto wrapped = dim < 0 ? dim + extent : dim;
    if (wrapped < 0 || wrapped >= extent)
        ctx.fail("dimension " + std::to_string(dim) + " is out of range for rank " +
                 std::to_string(rank));
    return static_cast<std::size_t>(wrapped);
}

DType dtypeArgument(const KernelContext& ctx, std::size_t index, DType fallback) {
    if (!ctx.hasInput(index)) return fallback;
    const auto& scalar = ctx.scalarInput(index);
    if (std::holds_alternative<std::monostate>(scalar)) return fallback;
    const auto dtype = dtypeFromScalarType(ctx.intInput(index));
    if (dtype == DType::Unknown)
        ctx.fail("scalar type " + std::to_string(ctx.intInput(index)) + " is not supported");
    return dtype;
}

std::vector<std::int64_t> contiguousStrides(const Shape& shape) {
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (std::size_t i = shape.size(); i-- > 1;)
        strides[i - 1] = strides[i] * shape[i];
    return strides;
}

} // namespace pteron::runtime::aten
