// Typed access to tensor elements for the ExecuTorch kernels: storage types for every element
// type a portable kernel sees, conversion between them as PyTorch casts, and dispatch on DType.
#pragma once

#include "runtime/half_float.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/tensor.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace pteron::runtime::aten {

// Storage of one fp16 / bf16 / bool element; arithmetic happens on the widened value.
struct Half {
    std::uint16_t bits = 0;
};
struct BFloat16 {
    std::uint16_t bits = 0;
};
struct BoolByte {
    std::uint8_t value = 0;
};

// The value of a stored element in arithmetic form: float for fp16/bf16, bool for bool.
template <typename T> inline auto widen(T value) {
    if constexpr (std::is_same_v<T, Half>)
        return halfToFloat(value.bits);
    else if constexpr (std::is_same_v<T, BFloat16>)
        return bfloat16ToFloat(value.bits);
    else if constexpr (std::is_same_v<T, BoolByte>)
        return value.value != 0;
    else
        return value;
}

// A float converted to an integer type as a cast would, without undefined behaviour: NaN gives
// 0 and values beyond the range saturate.
template <typename To, typename From> inline To truncateToInteger(From value) {
    if (std::isnan(value)) return 0;
    if (value <= static_cast<From>(std::numeric_limits<To>::lowest()))
        return std::numeric_limits<To>::lowest();
    if (value >= static_cast<From>(std::numeric_limits<To>::max()))
        return std::numeric_limits<To>::max();
    return static_cast<To>(value);
}

// Stores an arithmetic value as element type To: floats round to nearest, integers wrap as
// two's complement casts do, floats truncate towards zero into integers, bool is "not zero".
template <typename To, typename From> inline To narrow(From value) {
    if constexpr (std::is_same_v<To, Half>)
        return Half{floatToHalf(static_cast<float>(value))};
    else if constexpr (std::is_same_v<To, BFloat16>)
        return BFloat16{floatToBfloat16(static_cast<float>(value))};
    else if constexpr (std::is_same_v<To, BoolByte>)
        return BoolByte{static_cast<std::uint8_t>(value != From{} ? 1 : 0)};
    else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>)
        return truncateToInteger<To>(value);
    else
        return static_cast<To>(value);
}

template <typename To, typename From> inline To convertElement(From value) {
    return narrow<To>(widen(value));
}

template <typename T> using Widened = decltype(widen(std::declval<T>()));

// Calls body.template operator()<StorageType>() for the tensor element type `dtype`.
template <typename Body> decltype(auto) visitDType(DType dtype, Body&& body) {
    switch (dtype) {
    case DType::Float32:
        return body.template operator()<float>();
    case DType::Float64:
        return body.template operator()<double>();
    case DType::Float16:
        return body.template operator()<Half>();
    case DType::BFloat16:
        return body.template operator()<BFloat16>();
    case DType::Bool:
        return body.template operator()<BoolByte>();
    case DType::UInt8:
    case DType::QUInt8:
        return body.template operator()<std::uint8_t>();
    case DType::Int8:
    case DType::QInt8:
        return body.template operator()<std::int8_t>();
    case DType::Int16:
        return body.template operator()<std::int16_t>();
    case DType::UInt16:
        return body.template operator()<std::uint16_t>();
    case DType::Int32:
    case DType::QInt32:
        return body.template operator()<std::int32_t>();
    case DType::UInt32:
        return body.template operator()<std::uint32_t>();
    case DType::Int64:
    case DType::Int48:
    case DType::Shape:
        return body.template operator()<std::int64_t>();
    case DType::UInt64:
        return body.template operator()<std::uint64_t>();
    default:
        throw RuntimeError("element type " + std::string(dtypeName(dtype)) +
                           " is not supported by this kernel");
    }
}

template <typename T> std::span<const T> storageOf(const Tensor& tensor) {
    const auto bytes = tensor.bytes();
    if (runtimeElementBytes(tensor.dtype()) != sizeof(T))
        throw RuntimeError("tensor " + tensor.typeText() + " read with the wrong element size");
    return {reinterpret_cast<const T*>(bytes.data()),
            static_cast<std::size_t>(tensor.elementCount())};
}

template <typename T> std::span<T> mutableStorageOf(Tensor& tensor) {
    auto bytes = tensor.mutableBytes();
    if (runtimeElementBytes(tensor.dtype()) != sizeof(T))
        throw RuntimeError("tensor " + tensor.typeText() + " written with the wrong element size");
    return {reinterpret_cast<T*>(bytes.data()), static_cast<std::size_t>(tensor.elementCount())};
}

// The tensor's elements (in storage order) converted to the arithmetic type T.
template <typename T> std::vector<T> elementsAs(const Tensor& tensor) {
    std::vector<T> values(static_cast<std::size_t>(tensor.elementCount()));
    visitDType(tensor.dtype(), [&]<typename S>() {
        const auto source = storageOf<S>(tensor);
        if constexpr (std::is_same_v<S, T>) {
            if (!source.empty()) std::memcpy(values.data(), source.data(), source.size_bytes());
        } else {
            for (std::size_t i = 0; i < source.size(); ++i)
                values[i] = narrow<T>(widen(source[i]));
        }
    });
    return values;
}

// A tensor of element type `dtype` holding `values` converted.
template <typename T> Tensor tensorFrom(DType dtype, Shape shape, std::span<const T> values) {
    Tensor tensor(dtype, std::move(shape));
    if (values.size() != tensor.elementCount())
        throw RuntimeError("internal: " + std::to_string(values.size()) + " values for " +
                           tensor.typeText());
    visitDType(dtype, [&]<typename S>() {
        auto target = mutableStorageOf<S>(tensor);
        if constexpr (std::is_same_v<S, T>) {
            if (!values.empty()) std::memcpy(target.data(), values.data(), values.size_bytes());
        } else {
            for (std::size_t i = 0; i < values.size(); ++i)
                target[i] = narrow<S>(widen(values[i]));
        }
    });
    return tensor;
}

template <typename T> Tensor tensorFrom(DType dtype, Shape shape, const std::vector<T>& values) {
    return tensorFrom<T>(dtype, std::move(shape), std::span<const T>(values));
}

// The same elements as another element type (PyTorch's .to(dtype)).
inline Tensor castTensor(const Tensor& tensor, DType dtype) {
    if (tensor.dtype() == dtype) return tensor;
    Tensor result(dtype, tensor.shape());
    visitDType(tensor.dtype(), [&]<typename S>() {
        const auto source = storageOf<S>(tensor);
        visitDType(dtype, [&]<typename D>() {
            auto target = mutableStorageOf<D>(result);
            for (std::size_t i = 0; i < source.size(); ++i)
                target[i] = narrow<D>(widen(source[i]));
        });
    });
    result.dimOrder = tensor.dimOrder;
    return result;
}

} // namespace pteron::runtime::aten
