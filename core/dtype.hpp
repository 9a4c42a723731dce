// Element types of every supported format, mapped onto one enum with printable names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pteron {

enum class DType : std::uint8_t {
    Unknown,
    Bool,
    Int4,
    UInt4,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int48,
    Int64,
    UInt64,
    Float8E4M3FN,
    Float8E4M3FNUZ,
    Float8E5M2,
    Float8E5M2FNUZ,
    Float16,
    BFloat16,
    Float32,
    Float64,
    Complex64,
    Complex128,
    QInt8,
    QUInt8,
    QInt32,
    QUInt4x2,
    QUInt2x4,
    Bits16,
    String,
    Shape, // TOSA shape values: int64 elements describing a shape
    // OCP microscaling element types (TOSA 1.1).
    Float6E2M3, // 6-bit float, 2 exponent bits, 3 mantissa bits, no inf/NaN
    Float6E3M2, // 6-bit float, 3 exponent bits, 2 mantissa bits, no inf/NaN
    Float4E2M1, // 4-bit float, 2 exponent bits, 1 mantissa bit, no inf/NaN
    Float8E8M0, // unsigned exponent-only scale: 2^(bits - 127), 0xFF is NaN
    MXInt8,     // int8 element of a block-scaled tensor: two's complement times 2^-6
};

// Short lower-case name as the user sees it: "int8", "fp32", "bf16".
std::string_view dtypeName(DType type);

// Storage size of one element in bits (4 for int4, 48 for int48); 0 when not fixed.
unsigned dtypeBits(DType type);

// Bytes needed for `elements` elements, rounding packed sub-byte types up.
std::uint64_t dtypeStorageBytes(DType type, std::uint64_t elements);

bool isFloatingPoint(DType type);

} // namespace pteron
