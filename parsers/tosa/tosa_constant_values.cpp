#include "parsers/tosa/tosa_constant_values.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace pteron::tosa {

namespace {

// Little-endian unsigned value of `width` bytes at byte `at`; the caller checked the range.
std::uint64_t littleEndian(std::span<const std::byte> bytes, std::uint64_t at, unsigned width) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < width; ++i)
        value |= static_cast<std::uint64_t>(bytes[at + i]) << (8 * i);
    return value;
}

std::int64_t signExtend(std::uint64_t value, unsigned bits) {
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    return static_cast<std::int64_t>((value ^ sign) - sign);
}

bool isInteger(DType type) {
    switch (type) {
    case DType::Bool:
    case DType::Int4:
    case DType::Int8:
    case DType::UInt8:
    case DType::Int16:
    case DType::UInt16:
    case DType::Int32:
    case DType::Int48:
    case DType::Int64:
    case DType::Shape:
        return true;
    default:
        return false;
    }
}

// A float with `exponentBits`/`mantissaBits` and IEEE-style bias, subnormals and no special
// values; the callers handle infinities and NaN.
double finiteFloat(std::uint32_t bits, unsigned exponentBits, unsigned mantissaBits) {
    const bool negative = (bits >> (exponentBits + mantissaBits)) & 1u;
    const int exponent = static_cast<int>((bits >> mantissaBits) & ((1u << exponentBits) - 1u));
    const double mantissa = static_cast<double>(bits & ((1u << mantissaBits) - 1u));
    const int bias = (1 << (exponentBits - 1)) - 1;
    const double scale = std::ldexp(1.0, -static_cast<int>(mantissaBits));
    const double magnitude = exponent == 0 ? std::ldexp(mantissa * scale, 1 - bias)
                                           : std::ldexp(1.0 + mantissa * scale, exponent - bias);
    return negative ? -magnitude : magnitude;
}

} // namespace

double halfToDouble(std::uint16_t bits) {
    if ((bits & 0x7C00u) == 0x7C00u) {
        if (bits & 0x03FFu) return std::numeric_limits<double>::quiet_NaN();
        return (bits & 0x8000u) ? -std::numeric_limits<double>::infinity()
                                : std::numeric_limits<double>::infinity();
    }
    return finiteFloat(bits, 5, 10);
}

double bfloat16ToDouble(std::uint16_t bits) {
    return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16));
}

double fp8e4m3ToDouble(std::uint8_t bits) {
    // OCP E4M3 ("fn"): no infinities; only S.1111.111 is NaN, so exponent 15 stays finite.
    if ((bits & 0x7Fu) == 0x7Fu) return std::numeric_limits<double>::quiet_NaN();
    return finiteFloat(bits, 4, 3);
}

double fp8e5m2ToDouble(std::uint8_t bits) {
    if ((bits & 0x7Cu) == 0x7Cu) {
        if (bits & 0x03u) return std::numeric_limits<double>::quiet_NaN();
        return (bits & 0x80u) ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
    }
    return finiteFloat(bits, 5, 2);
}

double fp8ue8m0ToDouble(std::uint8_t bits) {
    if (bits == 0xFFu) return std::numeric_limits<double>::quiet_NaN();
    return std::ldexp(1.0, static_cast<int>(bits) - 127);
}

std::uint64_t tosaElementsIn(DType type, std::span<const std::byte> bytes) {
    const unsigned bits = dtypeBits(type);
    if (bits == 0) return 0;
    return static_cast<std::uint64_t>(bytes.size()) * 8 / bits;
}

std::optional<std::int64_t> tosaElementAsInteger(DType type, std::span<const std::byte> bytes,
                                                 std::uint64_t index) {
    if (!isInteger(type) || index >= tosaElementsIn(type, bytes)) return std::nullopt;
    if (type == DType::Int4) {
        const auto byte = static_cast<std::uint8_t>(bytes[index / 2]);
        const unsigned nibble = (index % 2 == 0) ? (byte & 0x0Fu) : (byte >> 4);
        return signExtend(nibble, 4);
    }
    const unsigned width = dtypeBits(type) / 8;
    const auto raw = littleEndian(bytes, index * width, width);
    switch (type) {
    case DType::Bool:
        return raw != 0 ? 1 : 0;
    case DType::UInt8:
    case DType::UInt16:
        return static_cast<std::int64_t>(raw);
    default:
        return signExtend(raw, width * 8);
    }
}

std::optional<double> tosaElementAsDouble(DType type, std::span<const std::byte> bytes,
                                          std::uint64_t index) {
    if (isInteger(type)) {
        const auto value = tosaElementAsInteger(type, bytes, index);
        return value ? std::optional<double>(static_cast<double>(*value)) : std::nullopt;
    }
    if (index >= tosaElementsIn(type, bytes)) return std::nullopt;
    switch (type) {
    case DType::Float32: {
        const auto raw = static_cast<std::uint32_t>(littleEndian(bytes, index * 4, 4));
        return static_cast<double>(std::bit_cast<float>(raw));
    }
    case DType::Float16:
        return halfToDouble(static_cast<std::uint16_t>(littleEndian(bytes, index * 2, 2)));
    case DType::BFloat16:
        return bfloat16ToDouble(static_cast<std::uint16_t>(littleEndian(bytes, index * 2, 2)));
    case DType::Float8E4M3FN:
        return fp8e4m3ToDouble(static_cast<std::uint8_t>(bytes[index]));
    case DType::Float8E5M2:
        return fp8e5m2ToDouble(static_cast<std::uint8_t>(bytes[index]));
    case DType::Float8E8M0:
        return fp8ue8m0ToDouble(static_cast<std::uint8_t>(bytes[index]));
    case DType::MXInt8:
        // OCP MX: the int8 element carries an implicit scale of 2^-6 (before the block scale).
        return std::ldexp(static_cast<double>(static_cast<std::int8_t>(bytes[index])), -6);
    default:
        // FP6/FP4 element packing inside TosaTensor.data is not specified in the format notes.
        return std::nullopt;
    }
}

std::vector<double> tosaValuesAsDouble(DType type, std::span<const std::byte> bytes,
                                       std::size_t limit) {
    std::vector<double> values;
    for (std::uint64_t i = 0; i < limit; ++i) {
        const auto value = tosaElementAsDouble(type, bytes, i);
        if (!value) break;
        values.push_back(*value);
    }
    return values;
}

std::vector<std::int64_t> tosaValuesAsInteger(DType type, std::span<const std::byte> bytes,
                                              std::size_t limit) {
    std::vector<std::int64_t> values;
    for (std::uint64_t i = 0; i < limit; ++i) {
        const auto value = tosaElementAsInteger(type, bytes, i);
        if (!value) break;
        values.push_back(*value);
    }
    return values;
}

} // namespace pteron::tosa
