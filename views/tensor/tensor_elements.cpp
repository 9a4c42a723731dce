#include "views/tensor/tensor_elements.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace pteron {

namespace {

template <typename T> double load(const std::byte* at) {
    T item;
    std::memcpy(&item, at, sizeof(T));
    return static_cast<double>(item);
}

double halfToDouble(std::uint16_t bits) {
    const int sign = (bits >> 15) & 1;
    const int exponent = (bits >> 10) & 0x1f;
    const int mantissa = bits & 0x3ff;
    double magnitude = 0;
    if (exponent == 0)
        magnitude = std::ldexp(mantissa, -24);
    else if (exponent == 31)
        magnitude = mantissa ? std::nan("") : INFINITY;
    else
        magnitude = std::ldexp(mantissa + 1024, exponent - 25);
    return sign ? -magnitude : magnitude;
}

double loadHalf(const std::byte* at) {
    std::uint16_t bits;
    std::memcpy(&bits, at, sizeof bits);
    return halfToDouble(bits);
}

double loadBfloat(const std::byte* at) {
    std::uint16_t bits;
    std::memcpy(&bits, at, sizeof bits);
    const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
    float item;
    std::memcpy(&item, &wide, sizeof item);
    return item;
}

using Loader = double (*)(const std::byte*);

// Loader and element size of each decodable type.
std::optional<std::pair<Loader, std::size_t>> loaderFor(DType type) {
    switch (type) {
    case DType::Float32:
        return std::pair{&load<float>, 4};
    case DType::Float64:
        return std::pair{&load<double>, 8};
    case DType::Float16:
        return std::pair{&loadHalf, 2};
    case DType::BFloat16:
        return std::pair{&loadBfloat, 2};
    case DType::Int8:
    case DType::QInt8:
        return std::pair{&load<std::int8_t>, 1};
    case DType::UInt8:
    case DType::QUInt8:
        return std::pair{&load<std::uint8_t>, 1};
    case DType::Int16:
        return std::pair{&load<std::int16_t>, 2};
    case DType::UInt16:
        return std::pair{&load<std::uint16_t>, 2};
    case DType::Int32:
    case DType::QInt32:
        return std::pair{&load<std::int32_t>, 4};
    case DType::UInt32:
        return std::pair{&load<std::uint32_t>, 4};
    case DType::Int64:
        return std::pair{&load<std::int64_t>, 8};
    case DType::Bool:
        return std::pair{&load<std::uint8_t>, 1};
    default:
        return std::nullopt;
    }
}

} // namespace

bool canDecodeElements(DType type) {
    return loaderFor(type).has_value();
}

std::optional<std::vector<double>> decodeElements(const Value& value) {
    const auto loader = loaderFor(value.dtype);
    if (!loader || value.data.empty()) return std::nullopt;
    const auto [load, size] = *loader;
    const auto count = value.hasShape ? value.elementCount() : value.data.size() / size;
    const auto bytes = value.data.bytes();
    if (count > bytes.size() / size) return std::nullopt;
    std::vector<double> elements(count);
    for (std::size_t i = 0; i < count; ++i)
        elements[i] = load(bytes.data() + i * size);
    if (value.dtype == DType::Bool)
        for (auto& item : elements)
            item = item != 0 ? 1.0 : 0.0;
    return elements;
}

TensorStats tensorStats(const std::vector<double>& elements) {
    TensorStats stats;
    if (elements.empty()) return stats;
    const auto [low, high] = std::minmax_element(elements.begin(), elements.end());
    stats.min = *low;
    stats.max = *high;
    double sum = 0;
    for (auto item : elements)
        sum += item;
    stats.count = elements.size();
    stats.mean = sum / static_cast<double>(elements.size());
    return stats;
}

std::vector<std::size_t> histogram(const std::vector<double>& elements, const TensorStats& stats,
                                   std::size_t bins) {
    std::vector<std::size_t> counts(bins, 0);
    if (bins == 0 || elements.empty()) return counts;
    const double span = stats.max - stats.min;
    for (auto item : elements) {
        if (!std::isfinite(item)) continue;
        auto bin =
            span > 0
                ? static_cast<std::size_t>((item - stats.min) / span * static_cast<double>(bins))
                : 0;
        counts[std::min(bin, bins - 1)]++;
    }
    return counts;
}

} // namespace pteron
