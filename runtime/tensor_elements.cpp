#include "runtime/tensor_elements.hpp"

#include "runtime/half_float.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pteron::runtime {

bool isIntegerType(DType type) {
    switch (type) {
    case DType::Bool:
    case DType::Int4:
    case DType::UInt4:
    case DType::Int8:
    case DType::UInt8:
    case DType::Int16:
    case DType::UInt16:
    case DType::Int32:
    case DType::UInt32:
    case DType::Int48:
    case DType::Int64:
    case DType::UInt64:
    case DType::QInt8:
    case DType::QUInt8:
    case DType::QInt32:
    case DType::Shape:
        return true;
    default:
        return false;
    }
}

bool isNumericType(DType type) {
    return isIntegerType(type) || type == DType::Float16 || type == DType::BFloat16 ||
           type == DType::Float32 || type == DType::Float64;
}

namespace {

template <typename T> T at(const Tensor& tensor, std::uint64_t index) {
    return tensor.elements<T>()[static_cast<std::size_t>(index)];
}

template <typename T> void put(Tensor& tensor, std::uint64_t index, T value) {
    tensor.mutableElements<T>()[static_cast<std::size_t>(index)] = value;
}

template <typename T> T integerFrom(double value) {
    if (std::isnan(value)) return 0;
    const auto low = static_cast<double>(std::numeric_limits<T>::lowest());
    const auto high = static_cast<double>(std::numeric_limits<T>::max());
    if (value <= low) return std::numeric_limits<T>::lowest();
    if (value >= high) return std::numeric_limits<T>::max();
    return static_cast<T>(value);
}

} // namespace

double elementAsDouble(const Tensor& tensor, std::uint64_t index) {
    switch (tensor.dtype()) {
    case DType::Float32:
        return at<float>(tensor, index);
    case DType::Float64:
        return at<double>(tensor, index);
    case DType::Float16:
        return halfToFloat(at<std::uint16_t>(tensor, index));
    case DType::BFloat16:
        return bfloat16ToFloat(at<std::uint16_t>(tensor, index));
    case DType::UInt64:
        return static_cast<double>(at<std::uint64_t>(tensor, index));
    default:
        return static_cast<double>(elementAsInt(tensor, index));
    }
}

std::int64_t elementAsInt(const Tensor& tensor, std::uint64_t index) {
    switch (tensor.dtype()) {
    case DType::Bool:
    case DType::UInt4:
    case DType::UInt8:
    case DType::QUInt8:
        return at<std::uint8_t>(tensor, index);
    case DType::Int4:
    case DType::Int8:
    case DType::QInt8:
        return at<std::int8_t>(tensor, index);
    case DType::Int16:
        return at<std::int16_t>(tensor, index);
    case DType::UInt16:
        return at<std::uint16_t>(tensor, index);
    case DType::Int32:
    case DType::QInt32:
        return at<std::int32_t>(tensor, index);
    case DType::UInt32:
        return at<std::uint32_t>(tensor, index);
    case DType::Int48:
    case DType::Int64:
    case DType::Shape:
        return at<std::int64_t>(tensor, index);
    case DType::UInt64:
        return static_cast<std::int64_t>(at<std::uint64_t>(tensor, index));
    case DType::Float16:
    case DType::BFloat16:
    case DType::Float32:
    case DType::Float64:
        return integerFrom<std::int64_t>(elementAsDouble(tensor, index));
    default:
        throw RuntimeError("elements of " + std::string(dtypeName(tensor.dtype())) +
                           " are not numbers the runtime reads");
    }
}

void setElement(Tensor& tensor, std::uint64_t index, double value) {
    switch (tensor.dtype()) {
    case DType::Float32:
        return put(tensor, index, static_cast<float>(value));
    case DType::Float64:
        return put(tensor, index, value);
    case DType::Float16:
        return put(tensor, index, floatToHalf(static_cast<float>(value)));
    case DType::BFloat16:
        return put(tensor, index, floatToBfloat16(static_cast<float>(value)));
    case DType::Bool:
        return put<std::uint8_t>(tensor, index, value != 0 ? 1 : 0);
    case DType::Int4:
        return put(tensor, index,
                   static_cast<std::int8_t>(std::clamp(integerFrom<std::int8_t>(value),
                                                       std::int8_t{-8}, std::int8_t{7})));
    case DType::UInt4:
        return put(tensor, index, std::min(integerFrom<std::uint8_t>(value), std::uint8_t{15}));
    case DType::UInt8:
    case DType::QUInt8:
        return put(tensor, index, integerFrom<std::uint8_t>(value));
    case DType::Int8:
    case DType::QInt8:
        return put(tensor, index, integerFrom<std::int8_t>(value));
    case DType::Int16:
        return put(tensor, index, integerFrom<std::int16_t>(value));
    case DType::UInt16:
        return put(tensor, index, integerFrom<std::uint16_t>(value));
    case DType::Int32:
    case DType::QInt32:
        return put(tensor, index, integerFrom<std::int32_t>(value));
    case DType::UInt32:
        return put(tensor, index, integerFrom<std::uint32_t>(value));
    case DType::Int48:
    case DType::Int64:
    case DType::Shape:
        return put(tensor, index, integerFrom<std::int64_t>(value));
    case DType::UInt64:
        return put(tensor, index, integerFrom<std::uint64_t>(value));
    default:
        throw RuntimeError("elements of " + std::string(dtypeName(tensor.dtype())) +
                           " cannot be written by the runtime");
    }
}

std::vector<double> toDoubles(const Tensor& tensor) {
    std::vector<double> values(static_cast<std::size_t>(tensor.elementCount()));
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = elementAsDouble(tensor, i);
    return values;
}

std::optional<std::vector<float>> floatElements(const Tensor& tensor) {
    const auto widen = [&](float (*convert)(std::uint16_t)) {
        const auto bits = tensor.elements<std::uint16_t>();
        std::vector<float> values(bits.size());
        for (std::size_t i = 0; i < bits.size(); ++i)
            values[i] = convert(bits[i]);
        return values;
    };
    switch (tensor.dtype()) {
    case DType::Float32: {
        const auto values = tensor.elements<float>();
        return std::vector<float>(values.begin(), values.end());
    }
    case DType::Float16:
        return widen(halfToFloat);
    case DType::BFloat16:
        return widen(bfloat16ToFloat);
    default:
        return std::nullopt;
    }
}

TensorStatistics statisticsOf(const Tensor& tensor) {
    TensorStatistics statistics;
    double sum = 0;
    for (std::uint64_t i = 0; i < tensor.elementCount(); ++i) {
        const auto value = elementAsDouble(tensor, i);
        if (!std::isfinite(value)) {
            ++statistics.nonFinite;
            continue;
        }
        if (statistics.count == 0 || value < statistics.min) statistics.min = value;
        if (statistics.count == 0 || value > statistics.max) statistics.max = value;
        sum += value;
        ++statistics.count;
    }
    if (statistics.count) statistics.mean = sum / static_cast<double>(statistics.count);
    return statistics;
}

} // namespace pteron::runtime
