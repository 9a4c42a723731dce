// Writes a constant tensor as a NumPy .npy file (format version 1.0, little-endian, C order).
#pragma once

#include "core/value.hpp"

#include <string>

namespace pteron {

// True when `value` is a constant of a type .npy can hold; bf16 is written widened to fp32.
bool canWriteNpy(const Value& value);

// Writes `value` to `path`; returns an error message, empty on success.
std::string writeNpy(const Value& value, const std::string& path);

} // namespace pteron
