#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"

#include "runtime/half_float.hpp"
#include "runtime/tensor_elements.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::xnnpack {

bool isFloatType(DType type) {
    return type == DType::Float32 || type == DType::Float16 || type == DType::BFloat16;
}

std::vector<float> floatsOf(const KernelContext& ctx, const Tensor& tensor) {
    if (auto values = floatElements(tensor)) return std::move(*values);
    ctx.fail("expected a float tensor, given " + tensor.typeText());
}

Tensor floatTensor(DType dtype, Shape shape, const std::vector<float>& values) {
    Tensor out(dtype, std::move(shape));
    if (dtype == DType::Float32) {
        auto target = out.mutableElements<float>();
        std::copy(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(target.size()),
                  target.begin());
        return out;
    }
    auto target = out.mutableElements<std::uint16_t>();
    for (std::size_t i = 0; i < target.size(); ++i)
        target[i] = dtype == DType::Float16 ? floatToHalf(values[i]) : floatToBfloat16(values[i]);
    return out;
}

std::string datatypeOf(const Value& value) {
    const auto* attribute = findAttribute(value.attributes, "datatype");
    if (!attribute) return {};
    if (const auto* named = std::get_if<EnumValue>(&attribute->value)) return named->name;
    return {};
}

namespace {

OperandQuantization fromQuantization(const Quantization& q) {
    OperandQuantization result;
    if (q.empty()) return result;
    result.scales.assign(q.scales.begin(), q.scales.end());
    for (const auto zp : q.zeroPoints)
        result.zeroPoints.push_back(
            static_cast<std::int32_t>(std::clamp<std::int64_t>(zp, INT32_MIN, INT32_MAX)));
    result.axis = q.axis.value_or(0);
    result.groupSize = q.groupSize.value_or(0);
    if (q.scheme == "per-channel")
        result.kind = QuantKind::PerChannel;
    else if (q.scheme == "per-channel-group")
        result.kind = QuantKind::PerChannelGroup;
    else if (q.scheme == "dynamic")
        result.kind = QuantKind::Dynamic;
    else
        result.kind = QuantKind::PerTensor;
    return result;
}

} // namespace

// Zero points beyond 16 bits belong to no 8-bit model and would overflow the int32 sums.
OperandQuantization checked(const KernelContext& ctx, OperandQuantization q) {
    for (const auto zp : q.zeroPoints)
        if (zp < -65536 || zp > 65536)
            ctx.fail("zero point " + std::to_string(zp) + " is out of range");
    return q;
}

OperandQuantization inputQuantization(const KernelContext& ctx, std::size_t index) {
    const auto& runtimeQuantization = ctx.input(index).quantization;
    // Dynamic rows exist only at run time; otherwise the file's declaration is the truth.
    if (runtimeQuantization.scheme == "dynamic" && !runtimeQuantization.scales.empty())
        return checked(ctx, fromQuantization(runtimeQuantization));
    const auto& declared = ctx.inputValue(index).quantization;
    return checked(ctx, fromQuantization(declared.empty() ? runtimeQuantization : declared));
}

OperandQuantization outputQuantization(const KernelContext& ctx, std::size_t index) {
    return checked(ctx, fromQuantization(ctx.outputValue(index).quantization));
}

FloatClamp outputClamp(const KernelContext& ctx) {
    constexpr float kInfinity = std::numeric_limits<float>::infinity();
    return {static_cast<float>(ctx.doubleAttribute("output_min", -kInfinity)),
            static_cast<float>(ctx.doubleAttribute("output_max", kInfinity))};
}

IntegerClamp typeRange(DType type) {
    switch (type) {
    case DType::UInt8:
        return {0, 255};
    case DType::Int32:
        return {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
    default:
        return {-128, 127};
    }
}

IntegerClamp quantizedClamp(const KernelContext& ctx, float scale, std::int32_t zeroPoint,
                            DType outputType) {
    auto range = typeRange(outputType);
    const auto clamp = outputClamp(ctx);
    const auto quantize = [&](float value) {
        return roundedInRange(std::nearbyint(value / scale) + static_cast<float>(zeroPoint),
                              range.min, range.max);
    };
    if (std::isfinite(clamp.min)) range.min = std::max(range.min, quantize(clamp.min));
    if (std::isfinite(clamp.max)) range.max = std::min(range.max, quantize(clamp.max));
    return range;
}

std::vector<std::int32_t> integersOf(const KernelContext& ctx, const Tensor& tensor) {
    std::vector<std::int32_t> values(tensor.elementCount());
    switch (tensor.dtype()) {
    case DType::Int4: // 4-bit weights are held one per byte
    case DType::Int8: {
        const auto source = tensor.elements<std::int8_t>();
        std::copy(source.begin(), source.end(), values.begin());
        return values;
    }
    case DType::UInt4:
    case DType::UInt8: {
        const auto source = tensor.elements<std::uint8_t>();
        std::copy(source.begin(), source.end(), values.begin());
        return values;
    }
    case DType::Int32: {
        const auto source = tensor.elements<std::int32_t>();
        std::copy(source.begin(), source.end(), values.begin());
        return values;
    }
    default:
        ctx.fail("expected an integer tensor, given " + tensor.typeText());
    }
}

} // namespace pteron::runtime::xnnpack
