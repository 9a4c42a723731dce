#include "parsers/vgf/spirv_tensor_types.hpp"

namespace pteron::spirv {
namespace {

constexpr std::uint32_t kFloat8E4M3 = 4214;
constexpr std::uint32_t kFloat8E5M2 = 4215;
constexpr std::uint32_t kBFloat16 = 0;
// Limits that keep a damaged module from driving large allocations or deep recursion.
constexpr std::size_t kMaxInlineValues = 1 << 16;
constexpr int kMaxDepth = 8;

DType integerType(std::uint32_t width) {
    // TOSA reads integers as signed whatever the declared signedness.
    switch (width) {
    case 8:
        return DType::Int8;
    case 16:
        return DType::Int16;
    case 32:
        return DType::Int32;
    case 64:
        return DType::Int64;
    default:
        return DType::Unknown;
    }
}

DType floatType(const Type& type) {
    if (type.width == 8 && type.floatEncoding == kFloat8E4M3) return DType::Float8E4M3FN;
    if (type.width == 8 && type.floatEncoding == kFloat8E5M2) return DType::Float8E5M2;
    if (type.floatEncoding && type.width != 16) return DType::Unknown;
    switch (type.width) {
    case 16:
        return type.floatEncoding == kBFloat16 ? DType::BFloat16 : DType::Float16;
    case 32:
        return DType::Float32;
    case 64:
        return DType::Float64;
    default:
        return DType::Unknown;
    }
}

bool flatten(const Module& module, std::uint32_t id, std::vector<Number>& out, int depth) {
    if (depth > kMaxDepth || out.size() >= kMaxInlineValues) return false;
    const auto* value = module.constant(id);
    if (!value) return false;
    if (value->kind != ConstantKind::Composite) {
        const auto number = module.number(id);
        if (!number) return false;
        out.push_back(*number);
        return true;
    }
    for (const auto part : value->words)
        if (!flatten(module, part, out, depth + 1)) return false;
    return true;
}

} // namespace

DType dtypeOf(const Module& module, std::uint32_t typeId) {
    const auto* type = module.type(typeId);
    if (!type) return DType::Unknown;
    if (type->kind == TypeKind::Tensor) {
        const auto* element = module.type(type->element);
        if (!element || element->kind == TypeKind::Tensor) return DType::Unknown;
        return dtypeOf(module, type->element);
    }
    switch (type->kind) {
    case TypeKind::Bool:
        return DType::Bool;
    case TypeKind::Int:
        return integerType(type->width);
    case TypeKind::Float:
        return floatType(*type);
    default:
        return DType::Unknown;
    }
}

bool describeValue(const Module& module, std::uint32_t typeId, Value& value) {
    const auto* type = module.type(typeId);
    if (!type) return false;
    value.dtype = dtypeOf(module, typeId);
    if (type->kind != TypeKind::Tensor) return value.dtype != DType::Unknown;
    if (const auto shape = module.integers(type->shape)) {
        value.shape = *shape;
        value.hasShape = true;
        return true;
    }
    if (const auto rank = module.number(type->rank);
        rank && !rank->isFloat && rank->integer >= 0 && rank->integer <= 16) {
        value.shape.assign(static_cast<std::size_t>(rank->integer), -1);
        value.hasShape = true;
        value.dynamism = ShapeDynamism::DynamicUnbound;
    }
    return true;
}

std::optional<InlineTensor> inlineTensor(const Module& module, std::uint32_t id) {
    const auto* value = module.constant(id);
    if (!value) return std::nullopt;
    const auto* type = module.type(value->type);
    if (!type || type->kind != TypeKind::Tensor) return std::nullopt;
    InlineTensor tensor;
    switch (value->kind) {
    case ConstantKind::Null:
        tensor.replicated = true;
        tensor.values.push_back(Number{});
        return tensor;
    case ConstantKind::Replicated:
        tensor.replicated = true;
        if (value->words.empty() || !flatten(module, value->words[0], tensor.values, 0))
            return std::nullopt;
        return tensor;
    case ConstantKind::Composite:
        if (!flatten(module, id, tensor.values, 0)) return std::nullopt;
        return tensor;
    default:
        return std::nullopt;
    }
}

} // namespace pteron::spirv
