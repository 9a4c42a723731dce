// Printable text of small constant tensors, decoded from their little-endian bytes.
#pragma once

#include "core/value.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace pteron {

// True for the element types constantText() decodes: fp32/fp16/bf16/fp64, int8..int64, uint8..
// uint64 and bool.
bool canDecodeConstant(DType type);

// "[0.5, -1, 2]" of the first `maxElements` elements, with ", … (N elements)" when shortened;
// nullopt when the value has no bytes, an undecodable dtype, too few bytes for its shape, or
// `maxElements` is 0.
std::optional<std::string> constantText(const Value& value, std::size_t maxElements);

} // namespace pteron
