#include "runtime/kernels/tosa/tosa_operands.hpp"

#include "runtime/half_float.hpp"
#include "runtime/ocp_float.hpp"
#include "runtime/tensor_elements.hpp"

namespace pteron::runtime::tosa {

bool isTosaFloat(DType type) {
    return type == DType::Float32 || type == DType::Float16 || type == DType::BFloat16;
}

bool isTosaInteger(DType type) {
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

bool isTosaFloat8(DType type) {
    return type == DType::Float8E4M3FN || type == DType::Float8E5M2;
}

bool isTosaMxFloat(DType type) {
    return type == DType::Float6E2M3 || type == DType::Float6E3M2 || type == DType::Float4E2M1;
}

namespace {

using Decoder = float (*)(std::uint8_t);
using Encoder = std::uint8_t (*)(float);

// The codec of a type held as one code per byte (fp8, fp6, fp4), or null ones.
std::pair<Decoder, Encoder> byteFloatCodec(DType type) {
    switch (type) {
    case DType::Float8E4M3FN:
        return {float8E4M3ToFloat, floatToFloat8E4M3};
    case DType::Float8E5M2:
        return {float8E5M2ToFloat, floatToFloat8E5M2};
    case DType::Float6E2M3:
        return {float6E2M3ToFloat, floatToFloat6E2M3};
    case DType::Float6E3M2:
        return {float6E3M2ToFloat, floatToFloat6E3M2};
    case DType::Float4E2M1:
        return {float4E2M1ToFloat, floatToFloat4E2M1};
    default:
        return {nullptr, nullptr};
    }
}

} // namespace

std::vector<float> floatsOf(const KernelContext& ctx, const Tensor& tensor) {
    if (const auto decode = byteFloatCodec(tensor.dtype()).first) {
        const auto bits = tensor.elements<std::uint8_t>();
        std::vector<float> values(bits.size());
        for (std::size_t i = 0; i < bits.size(); ++i)
            values[i] = decode(bits[i]);
        return values;
    }
    if (auto values = floatElements(tensor)) return std::move(*values);
    ctx.fail("element type " + std::string(dtypeName(tensor.dtype())) +
             " is not a floating-point type this operator takes");
}

Tensor floatTensor(const KernelContext& ctx, DType type, Shape shape,
                   std::span<const float> values) {
    Tensor tensor(type, std::move(shape));
    if (tensor.elementCount() != values.size())
        ctx.fail("internal: " + std::to_string(values.size()) + " values for " + tensor.typeText());
    switch (type) {
    case DType::Float32: {
        auto out = tensor.mutableElements<float>();
        std::copy(values.begin(), values.end(), out.begin());
        break;
    }
    case DType::Float16: {
        auto out = tensor.mutableElements<std::uint16_t>();
        for (std::size_t i = 0; i < values.size(); ++i)
            out[i] = floatToHalf(values[i]);
        break;
    }
    case DType::BFloat16: {
        auto out = tensor.mutableElements<std::uint16_t>();
        for (std::size_t i = 0; i < values.size(); ++i)
            out[i] = floatToBfloat16(values[i]);
        break;
    }
    case DType::Float8E4M3FN:
    case DType::Float8E5M2:
    case DType::Float6E2M3:
    case DType::Float6E3M2:
    case DType::Float4E2M1: {
        auto out = tensor.mutableElements<std::uint8_t>();
        const auto encode = byteFloatCodec(type).second;
        for (std::size_t i = 0; i < values.size(); ++i)
            out[i] = encode(values[i]);
        break;
    }
    default:
        ctx.fail("output element type " + std::string(dtypeName(type)) +
                 " is not a floating-point type");
    }
    return tensor;
}

std::vector<float> floatBuffer(const KernelContext& ctx, const Shape& shape) {
    // The same bound as runtime tensors: no result needs more than 2 GiB.
    const auto count = elementCountOf(shape);
    if (count > (std::uint64_t{1} << 29))
        ctx.fail("result " + shapeText(shape) + " needs more memory than allowed");
    return std::vector<float>(static_cast<std::size_t>(count));
}

float roundToFloatType(DType type, float value) {
    if (type == DType::Float16) return roundToHalf(value);
    if (type == DType::BFloat16) return roundToBfloat16(value);
    return value;
}

std::vector<std::int64_t> integersOf(const KernelContext& ctx, const Tensor& tensor) {
    return withIntegerType(ctx, tensor.dtype(), [&]<typename T>() {
        const auto values = tensor.elements<T>();
        return std::vector<std::int64_t>(values.begin(), values.end());
    });
}

std::int64_t zeroPoint(const KernelContext& ctx, std::size_t operand, std::string_view attribute) {
    if (ctx.hasInput(operand)) {
        const auto& tensor = ctx.input(operand);
        if (tensor.elementCount() < 1)
            ctx.fail("zero point operand " + std::to_string(operand) + " is empty");
        if (isTosaFloat(tensor.dtype())) {
            if (floatsOf(ctx, tensor)[0] != 0.0f) ctx.fail("a floating-point zero point must be 0");
            return 0;
        }
        return withIntegerType(ctx, tensor.dtype(), [&]<typename T>() -> std::int64_t {
            return tensor.elements<T>()[0];
        });
    }
    return ctx.intAttribute(attribute, 0);
}

std::vector<std::int64_t> integerListOperand(const KernelContext& ctx, std::size_t operand,
                                             std::string_view attribute) {
    if (ctx.hasInput(operand)) return integersOf(ctx, ctx.input(operand));
    if (ctx.attribute(attribute)) return ctx.intsAttribute(attribute);
    ctx.fail("needs operand " + std::to_string(operand) + " or attribute " +
             std::string(attribute));
}

DType outputType(const KernelContext& ctx, std::size_t index, DType fallback) {
    const auto declared = ctx.outputValue(index).dtype;
    return declared == DType::Unknown ? fallback : declared;
}

void checkOutputShape(const KernelContext& ctx, std::size_t index, const Shape& shape) {
    const auto& value = ctx.outputValue(index);
    if (!value.hasShape || value.dynamism != ShapeDynamism::Static) return;
    for (const auto dim : value.shape)
        if (dim < 0) return;
    if (value.shape != shape)
        ctx.fail("computes output " + shapeText(shape) + " but the file declares " +
                 shapeText(value.shape));
}

void requireRank(const KernelContext& ctx, const Tensor& tensor, std::size_t rank,
                 std::string_view what) {
    if (tensor.rank() != rank)
        ctx.fail(std::string(what) + " must have rank " + std::to_string(rank) + ", given " +
                 tensor.typeText());
}

void requireType(const KernelContext& ctx, const Tensor& tensor, DType type,
                 std::string_view what) {
    if (tensor.dtype() != type)
        ctx.fail(std::string(what) + " must be " + std::string(dtypeName(type)) + ", given " +
                 tensor.typeText());
}

std::vector<std::int64_t> sizedInts(const KernelContext& ctx, std::string_view attribute,
                                    std::size_t count) {
    auto values = ctx.intsAttribute(attribute);
    if (values.size() != count)
        ctx.fail("attribute " + std::string(attribute) + " must have " + std::to_string(count) +
                 " items, has " + std::to_string(values.size()));
    return values;
}

std::vector<std::int64_t> stridesOf(const Shape& shape) {
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (std::size_t d = shape.size(); d-- > 1;)
        strides[d - 1] = strides[d] * shape[d];
    return strides;
}

} // namespace pteron::runtime::tosa
