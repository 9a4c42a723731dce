#include "adapters/model_explorer/constant_text.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>

namespace pteron {

namespace {

// Reads one little-endian element with memcpy so unaligned constants stay well-defined.
template <typename T> T load(std::span<const std::byte> bytes, std::size_t index) {
    T element{};
    std::memcpy(&element, bytes.data() + index * sizeof(T), sizeof(T));
    return element;
}

float halfToFloat(std::uint16_t bits) {
    const std::uint32_t sign = (bits >> 15) & 1u;
    const std::uint32_t exponent = (bits >> 10) & 0x1fu;
    const std::uint32_t mantissa = bits & 0x3ffu;
    float magnitude = 0;
    if (exponent == 0) {
        magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    } else if (exponent == 0x1f) {
        magnitude = mantissa ? NAN : INFINITY;
    } else {
        magnitude =
            std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
    }
    return sign ? -magnitude : magnitude;
}

float bfloatToFloat(std::uint16_t bits) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::string floatText(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

std::string elementText(DType type, std::span<const std::byte> bytes, std::size_t index) {
    switch (type) {
    case DType::Bool:
        return load<std::uint8_t>(bytes, index) ? "true" : "false";
    case DType::Int8:
        return std::to_string(load<std::int8_t>(bytes, index));
    case DType::UInt8:
        return std::to_string(load<std::uint8_t>(bytes, index));
    case DType::Int16:
        return std::to_string(load<std::int16_t>(bytes, index));
    case DType::UInt16:
        return std::to_string(load<std::uint16_t>(bytes, index));
    case DType::Int32:
        return std::to_string(load<std::int32_t>(bytes, index));
    case DType::UInt32:
        return std::to_string(load<std::uint32_t>(bytes, index));
    case DType::Int64:
    case DType::Shape:
        return std::to_string(load<std::int64_t>(bytes, index));
    case DType::UInt64:
        return std::to_string(load<std::uint64_t>(bytes, index));
    case DType::Float16:
        return floatText(halfToFloat(load<std::uint16_t>(bytes, index)));
    case DType::BFloat16:
        return floatText(bfloatToFloat(load<std::uint16_t>(bytes, index)));
    case DType::Float32:
        return floatText(load<float>(bytes, index));
    case DType::Float64:
        return floatText(load<double>(bytes, index));
    default:
        return "?";
    }
}

} // namespace

bool canDecodeConstant(DType type) {
    switch (type) {
    case DType::Bool:
    case DType::Int8:
    case DType::UInt8:
    case DType::Int16:
    case DType::UInt16:
    case DType::Int32:
    case DType::UInt32:
    case DType::Int64:
    case DType::UInt64:
    case DType::Shape:
    case DType::Float16:
    case DType::BFloat16:
    case DType::Float32:
    case DType::Float64:
        return true;
    default:
        return false;
    }
}

std::optional<std::string> constantText(const Value& value, std::size_t maxElements) {
    if (maxElements == 0 || value.data.empty() || !canDecodeConstant(value.dtype))
        return std::nullopt;
    const std::uint64_t count = value.elementCount();
    if (count == 0 || count == UINT64_MAX) return std::nullopt;
    const std::uint64_t needed = dtypeStorageBytes(value.dtype, count);
    if (needed == 0 || value.data.size() < needed) return std::nullopt;
    const auto shown = static_cast<std::size_t>(std::min<std::uint64_t>(count, maxElements));
    std::string text = "[";
    for (std::size_t i = 0; i < shown; ++i) {
        if (i > 0) text += ", ";
        text += elementText(value.dtype, value.data.bytes(), i);
    }
    if (shown < count) text += ", … (" + std::to_string(count) + " elements)";
    return text + "]";
}

} // namespace pteron
