#include "runtime/kernels/aten/kernel_io.hpp"

#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/type_promotion.hpp"

#include <algorithm>
#include <string>

namespace pteron::runtime::aten {

namespace {

// The operand named "argN" (item < 0) or "argN[item]", as an index into the node's inputs.
std::optional<std::size_t> operandNamed(const KernelContext& ctx, std::size_t position,
                                        int item = -1) {
    auto name = "arg" + std::to_string(position);
    if (item >= 0) name += "[" + std::to_string(item) + "]";
    const auto& inputs = ctx.node().inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].name == name) return i;
    return std::nullopt;
}

// Operand indices of "argN[0]", "argN[1]", … in item order.
std::vector<std::pair<std::size_t, std::size_t>> listItems(const KernelContext& ctx,
                                                           std::size_t position) {
    const auto prefix = "arg" + std::to_string(position) + "[";
    std::vector<std::pair<std::size_t, std::size_t>> items;
    const auto& inputs = ctx.node().inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto& name = inputs[i].name;
        if (!name.starts_with(prefix) || name.back() != ']') continue;
        const auto text = name.substr(prefix.size(), name.size() - prefix.size() - 1);
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
            text.size() > 6)
            continue;
        items.emplace_back(static_cast<std::size_t>(std::stoul(text)), i);
    }
    std::sort(items.begin(), items.end());
    return items;
}

const AttributeValue* attributeNamed(const KernelContext& ctx, std::size_t position) {
    return ctx.attribute("arg" + std::to_string(position));
}

} // namespace

bool hasArgument(const KernelContext& ctx, std::size_t position) {
    if (const auto operand = operandNamed(ctx, position)) return ctx.hasInput(*operand);
    if (!listItems(ctx, position).empty()) return true;
    const auto* attribute = attributeNamed(ctx, position);
    return attribute && !std::holds_alternative<std::monostate>(*attribute);
}

const Tensor& tensorArgument(const KernelContext& ctx, std::size_t position) {
    const auto operand = operandNamed(ctx, position);
    if (!operand || !ctx.hasInput(*operand))
        ctx.fail("argument " + std::to_string(position) + " must be a tensor");
    return ctx.input(*operand);
}

AttributeValue scalarArgument(const KernelContext& ctx, std::size_t position) {
    if (const auto operand = operandNamed(ctx, position); operand && ctx.hasInput(*operand))
        return ctx.scalarInput(*operand);
    const auto* attribute = attributeNamed(ctx, position);
    if (!attribute) ctx.fail("argument " + std::to_string(position) + " is missing");
    if (const auto* enumValue = std::get_if<EnumValue>(attribute)) return enumValue->number;
    return *attribute;
}

std::int64_t intArgument(const KernelContext& ctx, std::size_t position) {
    try {
        return scalarAsInt(scalarArgument(ctx, position));
    } catch (const RuntimeError& error) {
        if (std::string(error.what()).starts_with("graph ")) throw;
        ctx.fail("argument " + std::to_string(position) + ": " + error.what());
    }
}

double doubleArgument(const KernelContext& ctx, std::size_t position) {
    try {
        return scalarAsDouble(scalarArgument(ctx, position));
    } catch (const RuntimeError& error) {
        if (std::string(error.what()).starts_with("graph ")) throw;
        ctx.fail("argument " + std::to_string(position) + ": " + error.what());
    }
}

bool boolArgument(const KernelContext& ctx, std::size_t position) {
    return intArgument(ctx, position) != 0;
}

std::vector<std::int64_t> intListArgument(const KernelContext& ctx, std::size_t position) {
    std::vector<std::int64_t> list;
    const auto* attribute = attributeNamed(ctx, position);
    if (const auto operand = operandNamed(ctx, position); operand && ctx.hasInput(*operand)) {
        list = ctx.intListInput(*operand);
    } else if (attribute) {
        if (const auto* items = std::get_if<std::vector<std::int64_t>>(attribute))
            list = *items;
        else if (const auto* single = std::get_if<std::int64_t>(attribute))
            list = {*single};
        else if (!std::holds_alternative<std::monostate>(*attribute))
            ctx.fail("argument " + std::to_string(position) + " is not an integer list");
    }
    // Items computed at run time replace their placeholders.
    for (const auto& [item, operand] : listItems(ctx, position)) {
        if (item >= list.size()) list.resize(item + 1, 0);
        list[item] = ctx.intInput(operand);
    }
    return list;
}

std::vector<const Tensor*> tensorListArgument(const KernelContext& ctx, std::size_t position) {
    if (const auto operand = operandNamed(ctx, position); operand && ctx.hasInput(*operand))
        return ctx.tensorListInput(*operand);
    std::vector<const Tensor*> list;
    for (const auto& [item, operand] : listItems(ctx, position)) {
        if (item > list.size())
            ctx.fail("tensor list argument " + std::to_string(position) + " skips items");
        list.push_back(ctx.hasInput(operand) ? &ctx.input(operand) : nullptr);
    }
    return list;
}

Tensor contiguousInput(const KernelContext& ctx, std::size_t index) {
    try {
        return toContiguous(tensorArgument(ctx, index));
    } catch (const RuntimeError& error) {
        ctx.fail(error.what());
    }
}

bool given(const KernelContext& ctx, std::size_t index) {
    return hasArgument(ctx, index);
}

std::optional<Tensor> optionalInput(const KernelContext& ctx, std::size_t index) {
    if (!hasArgument(ctx, index)) return std::nullopt;
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

void updateArgument(KernelContext& ctx, std::size_t position, Tensor result) {
    const auto operand = operandNamed(ctx, position);
    if (!operand || !ctx.hasInput(*operand))
        ctx.fail("argument " + std::to_string(position) + " must be a tensor");
    const auto& current = ctx.input(*operand);
    if (current.elementCount() != result.elementCount())
        ctx.fail("computes " + result.typeText() + " for argument " + std::to_string(position) +
                 ", which holds " + current.typeText());
    try {
        if (current.dtype() != result.dtype()) result = castTensor(result, current.dtype());
        result = result.reshaped(current.shape());
        if (!isContiguousOrder(current.dimOrder) && current.dimOrder.size() == result.rank())
            result = toDimOrder(result, current.dimOrder);
    } catch (const RuntimeError& error) {
        if (std::string(error.what()).starts_with("graph ")) throw;
        ctx.fail(error.what());
    }
    ctx.replaceInput(*operand, std::move(result));
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
    if (!hasArgument(ctx, index)) return fallback;
    const auto number = intArgument(ctx, index);
    const auto dtype = dtypeFromScalarType(number);
    if (dtype == DType::Unknown)
        ctx.fail("scalar type " + std::to_string(number) + " is not supported");
    return dtype;
}

std::vector<std::int64_t> contiguousStrides(const Shape& shape) {
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (std::size_t i = shape.size(); i-- > 1;)
        strides[i - 1] = strides[i] * shape[i];
    return strides;
}

} // namespace pteron::runtime::aten
