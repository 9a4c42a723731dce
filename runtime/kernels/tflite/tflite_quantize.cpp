// QUANTIZE (fp32 -> integer by AffineQuantize, integer -> integer by Requantize) and
// DEQUANTIZE (integer/fp16 -> fp32).
#include "runtime/half_float.hpp"
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"

#include <cmath>

namespace pteron::runtime::tflite {

namespace {

template <typename T> T saturate(std::int64_t value) {
    return static_cast<T>(std::clamp<std::int64_t>(value, std::numeric_limits<T>::min(),
                                                   std::numeric_limits<T>::max()));
}

template <typename Out> void affineQuantize(KernelContext& ctx, const TensorQuantization& out) {
    const auto in = ctx.input(0).elements<float>();
    Tensor result(ctx.outputValue(0).dtype, ctx.input(0).shape());
    auto target = result.mutableElements<Out>();
    for (std::size_t i = 0; i < in.size(); ++i) {
        const float scaled = std::round(in[i] / out.scale);
        const double bounded = std::isnan(scaled) ? 0.0 : std::clamp<double>(scaled, -1e12, 1e12);
        target[i] = saturate<Out>(static_cast<std::int64_t>(bounded) + out.zeroPoint);
    }
    ctx.setOutput(0, std::move(result));
}

template <typename In, typename Out>
void requantize(KernelContext& ctx, const TensorQuantization& in, const TensorQuantization& out) {
    const auto m =
        quantizeMultiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale));
    const auto source = ctx.input(0).elements<In>();
    Tensor result(ctx.outputValue(0).dtype, ctx.input(0).shape());
    auto target = result.mutableElements<Out>();
    for (std::size_t i = 0; i < source.size(); ++i) {
        const std::int32_t centred = wrapToInt32(std::int64_t{source[i]} - in.zeroPoint);
        target[i] = saturate<Out>(
            std::int64_t{multiplyByQuantizedMultiplier(centred, m.multiplier, m.shift)} +
            out.zeroPoint);
    }
    ctx.setOutput(0, std::move(result));
}

template <typename In>
void requantizeFrom(KernelContext& ctx, const TensorQuantization& in,
                    const TensorQuantization& out) {
    switch (ctx.outputValue(0).dtype) {
    case DType::Int8:
        return requantize<In, std::int8_t>(ctx, in, out);
    case DType::UInt8:
        return requantize<In, std::uint8_t>(ctx, in, out);
    case DType::Int16:
        return requantize<In, std::int16_t>(ctx, in, out);
    case DType::Int32:
        return requantize<In, std::int32_t>(ctx, in, out);
    default:
        ctx.fail("output type " + ctx.outputValue(0).typeText() + " is not supported");
    }
}

void quantize(KernelContext& ctx) {
    const auto out = outputQuantization(ctx, 0);
    if (out.scale <= 0) ctx.fail("the output scale must be positive");
    const auto inType = ctx.input(0).dtype();
    if (inType == DType::Float32) {
        switch (ctx.outputValue(0).dtype) {
        case DType::Int8:
            return affineQuantize<std::int8_t>(ctx, out);
        case DType::UInt8:
            return affineQuantize<std::uint8_t>(ctx, out);
        case DType::Int16:
            return affineQuantize<std::int16_t>(ctx, out);
        case DType::Int32:
            return affineQuantize<std::int32_t>(ctx, out);
        default:
            ctx.fail("output type " + ctx.outputValue(0).typeText() + " is not supported");
        }
    }
    const auto in = inputQuantization(ctx, 0);
    switch (inType) {
    case DType::Int8:
        return requantizeFrom<std::int8_t>(ctx, in, out);
    case DType::UInt8:
        return requantizeFrom<std::uint8_t>(ctx, in, out);
    case DType::Int16:
        return requantizeFrom<std::int16_t>(ctx, in, out);
    default:
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported");
    }
}

template <typename In> void dequantizeFrom(KernelContext& ctx) {
    const auto q = inputQuantization(ctx, 0);
    const auto scale = static_cast<double>(q.scale);
    const auto source = ctx.input(0).elements<In>();
    Tensor result(DType::Float32, ctx.input(0).shape());
    auto target = result.mutableElements<float>();
    for (std::size_t i = 0; i < source.size(); ++i)
        target[i] =
            static_cast<float>(scale * static_cast<double>(std::int64_t{source[i]} - q.zeroPoint));
    ctx.setOutput(0, std::move(result));
}

void dequantize(KernelContext& ctx) {
    switch (ctx.input(0).dtype()) {
    case DType::Int8:
        return dequantizeFrom<std::int8_t>(ctx);
    case DType::UInt8:
        return dequantizeFrom<std::uint8_t>(ctx);
    case DType::Int16:
        return dequantizeFrom<std::int16_t>(ctx);
    case DType::Int32:
        return dequantizeFrom<std::int32_t>(ctx);
    case DType::Float16: {
        const auto source = ctx.input(0).elements<std::uint16_t>();
        Tensor result(DType::Float32, ctx.input(0).shape());
        auto target = result.mutableElements<float>();
        for (std::size_t i = 0; i < source.size(); ++i)
            target[i] = halfToFloat(source[i]);
        return ctx.setOutput(0, std::move(result));
    }
    default:
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported");
    }
}

} // namespace

void addQuantizeKernels(KernelRegistry& registry) {
    registry.add("tflite.QUANTIZE", quantize);
    registry.add("tflite.DEQUANTIZE", dequantize);
}

} // namespace pteron::runtime::tflite
