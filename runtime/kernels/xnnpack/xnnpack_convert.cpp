// Convert: float <-> float (rounded to fp16/bf16), float -> qs8/qu8 (multiply by the reciprocal
// scale, clamp, round half to even), float -> qd8 (per-row asymmetric parameters chosen at run
// time, as xnn_qd8_asymmetric_quantization_params), quantised -> float and quantised ->
// quantised (8-bit fixed-point multiplier).
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"
#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"

#include <cmath>

namespace pteron::runtime::xnnpack {

namespace {

void storeInteger(Tensor& out, std::size_t index, std::int32_t value) {
    out.mutableBytes()[index] = static_cast<std::byte>(static_cast<std::uint8_t>(value & 0xff));
}

std::int32_t quantizeValue(float x, float inverseScale, std::int32_t zeroPoint,
                           const IntegerClamp& range) {
    return roundedInRange(x * inverseScale, range.min - zeroPoint, range.max - zeroPoint) +
           zeroPoint;
}

struct DynamicParameters {
    float inverseScale;
    std::int32_t zeroPoint;
};

DynamicParameters dynamicParameters(float minimum, float maximum) {
    constexpr float qmin = -128.0f;
    constexpr float qmax = 127.0f;
    const float rmin = std::min(0.0f, minimum);
    const float rmax = std::max(0.0f, maximum);
    const float scale = rmin == rmax ? 1.0f : (qmax - qmin) / (rmax - rmin);
    const float descaledMin = rmin * scale;
    const float descaledMax = rmax * scale;
    const float fromMinError = qmin + descaledMin;
    const float fromMaxError = qmax + descaledMax;
    float zeroPoint = fromMinError + fromMaxError > 0 ? qmin - descaledMin : qmax - descaledMax;
    zeroPoint = std::clamp(zeroPoint, qmin, qmax);
    return {scale, roundedInRange(zeroPoint, -128, 127)};
}

std::int64_t nonBatchDims(const Value& value) {
    const auto* attribute = findAttribute(value.attributes, "num_nonbatch_dims");
    const auto* number = attribute ? std::get_if<std::int64_t>(&attribute->value) : nullptr;
    return number ? *number : 1;
}

void toDynamic(KernelContext& ctx, const std::vector<float>& values) {
    const auto& input = ctx.input(0);
    const auto dims = std::clamp<std::int64_t>(nonBatchDims(ctx.outputValue(0)), 0,
                                               static_cast<std::int64_t>(input.rank()));
    std::uint64_t rowLength = 1;
    for (std::size_t d = input.rank() - static_cast<std::size_t>(dims); d < input.rank(); ++d)
        rowLength *= static_cast<std::uint64_t>(input.dim(d));
    Tensor out(DType::Int8, input.shape());
    Quantization quantization;
    quantization.scheme = "dynamic";
    const IntegerClamp range{-128, 127};
    for (std::uint64_t row = 0; rowLength > 0 && row * rowLength < values.size(); ++row) {
        const auto begin = values.begin() + static_cast<std::ptrdiff_t>(row * rowLength);
        const auto [low, high] =
            std::minmax_element(begin, begin + static_cast<std::ptrdiff_t>(rowLength));
        const auto p = dynamicParameters(*low, *high);
        for (std::uint64_t i = 0; i < rowLength; ++i)
            storeInteger(out, row * rowLength + i,
                         quantizeValue(begin[static_cast<std::ptrdiff_t>(i)], p.inverseScale,
                                       p.zeroPoint, range));
        quantization.scales.push_back(1.0f / p.inverseScale);
        quantization.zeroPoints.push_back(p.zeroPoint);
    }
    out.quantization = std::move(quantization);
    ctx.setOutput(0, std::move(out));
}

void fromFloat(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& declared = ctx.outputValue(0);
    const auto values = floatsOf(ctx, input);
    if (isFloatType(declared.dtype)) {
        ctx.setOutput(0, floatTensor(declared.dtype, input.shape(), values));
        return;
    }
    const auto datatype = datatypeOf(declared);
    if (datatype == "qdint8" || declared.quantization.scheme == "dynamic")
        return toDynamic(ctx, values);
    const auto outQ = outputQuantization(ctx, 0);
    if (outQ.scales.empty() || !(outQ.scales[0] > 0))
        ctx.fail("the quantised output has no positive scale");
    const std::int32_t zeroPoint = outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0];
    const auto range = quantizedClamp(ctx, outQ.scales[0], zeroPoint, declared.dtype);
    const float inverseScale = 1.0f / outQ.scales[0];
    Tensor out(declared.dtype == DType::UInt8 ? DType::UInt8 : DType::Int8, input.shape());
    for (std::size_t i = 0; i < values.size(); ++i)
        storeInteger(out, i, quantizeValue(values[i], inverseScale, zeroPoint, range));
    ctx.setOutput(0, std::move(out));
}

void fromQuantized(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& declared = ctx.outputValue(0);
    const auto inQ = inputQuantization(ctx, 0);
    if (inQ.scales.empty()) ctx.fail("the quantised input has no scale");
    const float scale = inQ.scales[0];
    const std::int32_t zeroPoint = inQ.zeroPoints.empty() ? 0 : inQ.zeroPoints[0];
    const auto values = integersOf(ctx, input);
    if (isFloatType(declared.dtype)) {
        std::vector<float> out(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            out[i] = static_cast<float>(values[i] - zeroPoint) * scale;
        ctx.setOutput(0, floatTensor(declared.dtype, input.shape(), out));
        return;
    }
    const auto outQ = outputQuantization(ctx, 0);
    if (outQ.scales.empty()) ctx.fail("the quantised output has no scale");
    const std::int32_t outZp = outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0];
    const auto multiplier = roundedInRange(256.0f * (scale / outQ.scales[0]), 0, 1 << 16);
    if (multiplier < 1 || multiplier > 32768) ctx.fail("the scale ratio is outside [2^-8, 2^7]");
    const auto range = quantizedClamp(ctx, outQ.scales[0], outZp, declared.dtype);
    Tensor out(declared.dtype == DType::UInt8 ? DType::UInt8 : DType::Int8, input.shape());
    const std::int32_t bias = (outZp << 8) + 0x80;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::int64_t scaled =
            (std::int64_t{bias} + (std::int64_t{values[i]} - zeroPoint) * multiplier) >> 8;
        storeInteger(
            out, i,
            static_cast<std::int32_t>(std::clamp<std::int64_t>(scaled, range.min, range.max)));
    }
    ctx.setOutput(0, std::move(out));
}

void convert(KernelContext& ctx) {
    if (isFloatType(ctx.input(0).dtype())) return fromFloat(ctx);
    fromQuantized(ctx);
}

} // namespace

void addConvertKernels(KernelRegistry& registry) {
    registry.add("xnnpack.Convert", convert);
}

} // namespace pteron::runtime::xnnpack
