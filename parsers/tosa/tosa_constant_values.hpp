// Turns TOSA constant bytes (little-endian, packed as the serializer writes them) into numbers.
#pragma once

#include "core/dtype.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace pteron::tosa {

// Element `index` of `bytes` as a double: int4 two per byte (low nibble first), int48 as six
// bytes, shape as int64, fp16/bf16/fp8 widened. Empty when the bytes end before the element or
// the type has no numeric decoding.
std::optional<double> tosaElementAsDouble(DType type, std::span<const std::byte> bytes,
                                          std::uint64_t index);

// Element `index` as an integer; floating-point types are empty.
std::optional<std::int64_t> tosaElementAsInteger(DType type, std::span<const std::byte> bytes,
                                                 std::uint64_t index);

// Number of whole elements of `type` the bytes hold.
std::uint64_t tosaElementsIn(DType type, std::span<const std::byte> bytes);

// The first `limit` elements (fewer when the bytes end sooner).
std::vector<double> tosaValuesAsDouble(DType type, std::span<const std::byte> bytes,
                                       std::size_t limit);
std::vector<std::int64_t> tosaValuesAsInteger(DType type, std::span<const std::byte> bytes,
                                              std::size_t limit);

// Scalar float formats widened to double.
double halfToDouble(std::uint16_t bits);
double bfloat16ToDouble(std::uint16_t bits);
double fp8e4m3ToDouble(std::uint8_t bits);
double fp8e5m2ToDouble(std::uint8_t bits);
// FP8UE8M0 (a block scale): 2^(bits - 127); 0xFF is NaN.
double fp8ue8m0ToDouble(std::uint8_t bits);

} // namespace pteron::tosa
