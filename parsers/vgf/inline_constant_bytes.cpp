#include "parsers/vgf/inline_constant_bytes.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

namespace pteron::spirv {

namespace {

// Inline constants are attribute-sized; a replicated one larger than this is no model.
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 26;

// IEEE binary16 bits of a value fp16 holds exactly (the constant was read from fp16 words).
std::uint16_t halfBits(double value) {
    if (std::isnan(value)) return 0x7e00;
    const std::uint16_t sign = std::signbit(value) ? 0x8000 : 0;
    const double magnitude = std::fabs(value);
    if (std::isinf(magnitude) || magnitude >= 65520.0) return sign | 0x7c00;
    if (magnitude < std::ldexp(1.0, -14)) // subnormal: a multiple of 2^-24
        return sign | static_cast<std::uint16_t>(std::nearbyint(std::ldexp(magnitude, 24)));
    int exponent = 0;
    const double fraction = std::frexp(magnitude, &exponent); // magnitude = fraction * 2^exponent
    auto mantissa = static_cast<std::uint32_t>(std::nearbyint((fraction * 2.0 - 1.0) * 1024.0));
    auto biased = static_cast<std::uint32_t>(exponent - 1 + 15);
    if (mantissa == 1024) {
        mantissa = 0;
        ++biased;
    }
    if (biased >= 31) return sign | 0x7c00;
    return static_cast<std::uint16_t>(sign | (biased << 10) | mantissa);
}

template <typename T> void append(std::vector<std::byte>& bytes, T value) {
    std::byte raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    bytes.insert(bytes.end(), raw, raw + sizeof(T));
}

bool encode(std::vector<std::byte>& bytes, DType dtype, const Number& number) {
    const double real = number.isFloat ? number.real : static_cast<double>(number.integer);
    const auto integer = number.isFloat ? static_cast<std::int64_t>(number.real) : number.integer;
    switch (dtype) {
    case DType::Bool:
        append<std::uint8_t>(bytes, integer != 0 ? 1 : 0);
        return true;
    case DType::Int8:
    case DType::UInt8:
        append(bytes, static_cast<std::uint8_t>(integer));
        return true;
    case DType::Int16:
    case DType::UInt16:
        append(bytes, static_cast<std::uint16_t>(integer));
        return true;
    case DType::Int32:
    case DType::UInt32:
        append(bytes, static_cast<std::uint32_t>(integer));
        return true;
    case DType::Int64:
    case DType::UInt64:
        append(bytes, static_cast<std::uint64_t>(integer));
        return true;
    case DType::Float16:
        append(bytes, halfBits(real));
        return true;
    case DType::BFloat16: // read from bf16 words, so the top half of the fp32 bits is exact
        append(bytes, static_cast<std::uint16_t>(
                          std::bit_cast<std::uint32_t>(static_cast<float>(real)) >> 16));
        return true;
    case DType::Float32:
        append(bytes, static_cast<float>(real));
        return true;
    case DType::Float64:
        append(bytes, real);
        return true;
    default:
        return false;
    }
}

} // namespace

std::optional<ByteView> inlineConstantBytes(const std::string& name, DType dtype,
                                            std::span<const Number> values, bool replicated,
                                            std::uint64_t elements) {
    if (values.empty() || elements > kMaxElements) return std::nullopt;
    if (!replicated && values.size() != elements) return std::nullopt;
    std::vector<std::byte> one;
    std::vector<std::byte> bytes;
    if (replicated) {
        if (!encode(one, dtype, values.front())) return std::nullopt;
        bytes.reserve(one.size() * elements);
        for (std::uint64_t i = 0; i < elements; ++i)
            bytes.insert(bytes.end(), one.begin(), one.end());
    } else {
        for (const auto& number : values)
            if (!encode(bytes, dtype, number)) return std::nullopt;
    }
    const auto file = MappedFile::fromBytes(name, bytes);
    return ByteView(file, file->bytes());
}

} // namespace pteron::spirv
