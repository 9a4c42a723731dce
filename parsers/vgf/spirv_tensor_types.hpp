// Element types, shapes and inline constant values of SPIR-V tensors (OpTypeTensorARM).
#pragma once

#include "core/value.hpp"
#include "parsers/vgf/spirv_module.hpp"

#include <optional>

namespace pteron::spirv {

DType dtypeOf(const Module& module, std::uint32_t typeId);

// Sets dtype, shape and hasShape of `value` from a tensor or scalar type; false if unknown.
bool describeValue(const Module& module, std::uint32_t typeId, Value& value);

// Values of a tensor constant defined inline (OpConstantComposite, OpConstantNull, replicated):
// flattened row-major, or one value when `replicated`. Empty when it is not such a constant.
struct InlineTensor {
    std::vector<Number> values;
    bool replicated = false;
};
std::optional<InlineTensor> inlineTensor(const Module& module, std::uint32_t id);

} // namespace pteron::spirv
