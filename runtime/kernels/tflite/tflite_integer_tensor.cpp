#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"

#include <algorithm>

namespace pteron::runtime::tflite {

namespace {

template <typename T> std::vector<std::int32_t> widen(const Tensor& tensor) {
    const auto values = tensor.elements<T>();
    return {values.begin(), values.end()};
}

template <typename T> void narrow(Tensor& out, std::span<const std::int32_t> values) {
    auto target = out.mutableElements<T>();
    for (std::size_t i = 0; i < values.size(); ++i)
        target[i] = static_cast<T>(std::clamp<std::int32_t>(
            values[i], std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

} // namespace

bool isQuantizedActivation(DType type) {
    return type == DType::Int8 || type == DType::UInt8 || type == DType::Int16;
}

IntegerRange typeLimits(const KernelContext& ctx, DType type) {
    switch (type) {
    case DType::Int8:
        return {-128, 127};
    case DType::UInt8:
        return {0, 255};
    case DType::Int16:
        return {-32768, 32767};
    case DType::Int32:
        return {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
    default:
        ctx.fail("type " + std::string(dtypeName(type)) + " is not an integer activation type");
    }
}

std::vector<std::int32_t> widened(const KernelContext& ctx, const Tensor& tensor) {
    switch (tensor.dtype()) {
    case DType::Int8:
        return widen<std::int8_t>(tensor);
    case DType::UInt8:
        return widen<std::uint8_t>(tensor);
    case DType::Int16:
        return widen<std::int16_t>(tensor);
    case DType::Int32:
        return widen<std::int32_t>(tensor);
    default:
        ctx.fail("operand " + tensor.typeText() + " is not int8, uint8, int16 or int32");
    }
}

std::vector<std::int64_t> widenedBias(const KernelContext& ctx, const Tensor& tensor) {
    if (tensor.dtype() == DType::Int64) {
        const auto values = tensor.elements<std::int64_t>();
        return {values.begin(), values.end()};
    }
    if (tensor.dtype() == DType::Int32) {
        const auto values = tensor.elements<std::int32_t>();
        return {values.begin(), values.end()};
    }
    if (tensor.dtype() == DType::Int16) {
        const auto values = tensor.elements<std::int16_t>();
        return {values.begin(), values.end()};
    }
    ctx.fail("bias " + tensor.typeText() + " must be int16, int32 or int64");
}

Tensor narrowed(const KernelContext& ctx, DType type, Shape shape,
                std::span<const std::int32_t> values) {
    Tensor out(type, std::move(shape));
    if (out.elementCount() != values.size())
        ctx.fail("internal: " + std::to_string(values.size()) + " values for " + out.typeText());
    switch (type) {
    case DType::Int8:
        narrow<std::int8_t>(out, values);
        break;
    case DType::UInt8:
        narrow<std::uint8_t>(out, values);
        break;
    case DType::Int16:
        narrow<std::int16_t>(out, values);
        break;
    case DType::Int32:
        narrow<std::int32_t>(out, values);
        break;
    default:
        ctx.fail("type " + std::string(dtypeName(type)) + " is not an integer activation type");
    }
    return out;
}

} // namespace pteron::runtime::tflite
