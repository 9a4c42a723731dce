// The bytes of a tensor constant that SPIR-V spells out inline (OpConstantComposite,
// OpConstantNull, replicated), laid out as any constant's bytes: row-major, little-endian, in its
// element type.
#pragma once

#include "core/byte_view.hpp"
#include "core/dtype.hpp"
#include "parsers/vgf/spirv_module.hpp"

#include <optional>
#include <span>
#include <string>

namespace pteron::spirv {

// `values` (one per element, or one repeated over `elements` when `replicated`) encoded as
// `dtype`, owned by an in-memory file named `name`; nullopt for element types without a byte
// layout here or more elements than an inline constant has.
std::optional<ByteView> inlineConstantBytes(const std::string& name, DType dtype,
                                            std::span<const Number> values, bool replicated,
                                            std::uint64_t elements);

} // namespace pteron::spirv
