// Writes NumPy .npy files (format version 1.0, little-endian, C order): the one writer the CLI,
// the app and the runtime's traces share.
#pragma once

#include "core/dtype.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pteron {

// NumPy's type string for `type` as stored ("<f4", "|i1"); nullopt when .npy has no such type.
std::optional<std::string> npyDescr(DType type);

// The .npy bytes of an array: header padded to 64 bytes, then `elements` as given (they must be
// in the layout npyDescr(type) names).
std::vector<std::byte> npyBytes(DType type, std::span<const std::int64_t> shape,
                                std::span<const std::byte> elements);

// Writes `path`; returns an error message, empty on success.
std::string writeNpyFile(const std::string& path, DType type, std::span<const std::int64_t> shape,
                         std::span<const std::byte> elements);

} // namespace pteron
