// Unary nodes: Clamp, Abs, Negate, Square, SquareRoot, ReciprocalSquareRoot, Floor, Ceiling,
// Hardswish, Sigmoid, Tanh, Exp, Log, Sin, Cos, Gelu, ELU, LeakyReLU, Copy and Softmax (last
// axis). Floats compute in fp32 then clamp; quantised Clamp and Copy keep raw values, the other
// quantised functions are tables built like XNNPACK's: dequantise, apply, requantise.
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"
#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"

#include <cmath>
#include <functional>

namespace pteron::runtime::xnnpack {

namespace {

using Function = std::function<float(const KernelContext&, float)>;

float hardswish(float x) {
    return x * std::min(std::max(x + 3.0f, 0.0f), 6.0f) / 6.0f;
}

Tensor integerTensor(DType type, const Shape& shape, const std::vector<std::int32_t>& values) {
    Tensor out(type, shape);
    auto bytes = out.mutableBytes();
    for (std::size_t i = 0; i < values.size(); ++i)
        bytes[i] = static_cast<std::byte>(static_cast<std::uint8_t>(values[i] & 0xff));
    return out;
}

void quantizedUnary(KernelContext& ctx, const Function& function, bool raw) {
    const auto& input = ctx.input(0);
    if (input.dtype() != DType::Int8 && input.dtype() != DType::UInt8)
        ctx.fail("input " + input.typeText() + " is not supported");
    const auto inQ = inputQuantization(ctx, 0);
    const auto outQ = outputQuantization(ctx, 0);
    const float inScale = inQ.scales.empty() ? 1.0f : inQ.scales[0];
    const std::int32_t inZp = inQ.zeroPoints.empty() ? 0 : inQ.zeroPoints[0];
    const float outScale = outQ.scales.empty() ? inScale : outQ.scales[0];
    const std::int32_t outZp = outQ.zeroPoints.empty() ? inZp : outQ.zeroPoints[0];
    const auto outType =
        ctx.outputValue(0).dtype == DType::Unknown ? input.dtype() : ctx.outputValue(0).dtype;
    const auto range = quantizedClamp(ctx, outScale, outZp, outType);
    const auto values = integersOf(ctx, input);
    // One table entry per possible input value.
    std::vector<std::int32_t> table(256);
    const std::int32_t first = input.dtype() == DType::Int8 ? -128 : 0;
    for (std::int32_t i = 0; i < 256; ++i) {
        const std::int32_t q = first + i;
        if (raw) {
            table[static_cast<std::size_t>(i)] = std::clamp(q, range.min, range.max);
            continue;
        }
        const float y = function(ctx, inScale * static_cast<float>(q - inZp));
        const float scaled = std::clamp(y / outScale + static_cast<float>(outZp), -1e9f, 1e9f);
        table[static_cast<std::size_t>(i)] = roundedInRange(scaled, range.min, range.max);
    }
    std::vector<std::int32_t> out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        out[i] = table[static_cast<std::size_t>(values[i] - first)];
    ctx.setOutput(0, integerTensor(outType, input.shape(), out));
}

void unary(KernelContext& ctx, const Function& function, bool rawWhenQuantized) {
    const auto& input = ctx.input(0);
    if (!isFloatType(input.dtype())) return quantizedUnary(ctx, function, rawWhenQuantized);
    auto values = floatsOf(ctx, input);
    const auto clamp = outputClamp(ctx);
    for (auto& v : values)
        v = std::clamp(function(ctx, v), clamp.min, clamp.max);
    const auto outType = ctx.outputValue(0).dtype;
    ctx.setOutput(
        0, floatTensor(isFloatType(outType) ? outType : input.dtype(), input.shape(), values));
}

void softmax(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    if (!isFloatType(input.dtype()))
        ctx.fail("Softmax supports float inputs, given " + input.typeText());
    if (input.rank() == 0 || input.shape().back() <= 0)
        ctx.fail("Softmax needs a non-empty last axis");
    auto values = floatsOf(ctx, input);
    const auto depth = static_cast<std::size_t>(input.shape().back());
    for (std::size_t row = 0; row < values.size(); row += depth) {
        float* x = values.data() + row;
        const float max = *std::max_element(x, x + depth);
        float sum = 0;
        for (std::size_t c = 0; c < depth; ++c)
            sum += (x[c] = std::exp(x[c] - max));
        const float reciprocal = 1.0f / sum;
        for (std::size_t c = 0; c < depth; ++c)
            x[c] *= reciprocal;
    }
    const auto outType = ctx.outputValue(0).dtype;
    ctx.setOutput(
        0, floatTensor(isFloatType(outType) ? outType : input.dtype(), input.shape(), values));
}

} // namespace

void addUnaryKernels(KernelRegistry& registry) {
    const auto add = [&](const char* name, Function function, bool raw = false) {
        registry.add(name, [function, raw](KernelContext& ctx) { unary(ctx, function, raw); });
    };
    add(
        "xnnpack.Clamp", [](const KernelContext&, float x) { return x; }, true);
    add(
        "xnnpack.Copy", [](const KernelContext&, float x) { return x; }, true);
    add("xnnpack.Abs", [](const KernelContext&, float x) { return std::fabs(x); });
    add("xnnpack.Negate", [](const KernelContext&, float x) { return -x; });
    add("xnnpack.Square", [](const KernelContext&, float x) { return x * x; });
    add("xnnpack.SquareRoot", [](const KernelContext&, float x) { return std::sqrt(x); });
    add("xnnpack.ReciprocalSquareRoot",
        [](const KernelContext&, float x) { return 1.0f / std::sqrt(x); });
    add("xnnpack.Floor", [](const KernelContext&, float x) { return std::floor(x); });
    add("xnnpack.Ceiling", [](const KernelContext&, float x) { return std::ceil(x); });
    add("xnnpack.Hardswish", [](const KernelContext&, float x) { return hardswish(x); });
    add("xnnpack.Sigmoid",
        [](const KernelContext&, float x) { return 1.0f / (1.0f + std::exp(-x)); });
    add("xnnpack.Tanh", [](const KernelContext&, float x) { return std::tanh(x); });
    add("xnnpack.Exp", [](const KernelContext&, float x) { return std::exp(x); });
    add("xnnpack.Log", [](const KernelContext&, float x) { return std::log(x); });
    add("xnnpack.Sin", [](const KernelContext&, float x) { return std::sin(x); });
    add("xnnpack.Cos", [](const KernelContext&, float x) { return std::cos(x); });
    add("xnnpack.Gelu", [](const KernelContext&, float x) {
        return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    });
    add("xnnpack.ELU", [](const KernelContext& ctx, float x) {
        const auto alpha = static_cast<float>(ctx.doubleAttribute("alpha", 1.0));
        return x > 0 ? x : alpha * std::expm1(x);
    });
    add("xnnpack.LeakyReLU", [](const KernelContext& ctx, float x) {
        return x >= 0 ? x : x * static_cast<float>(ctx.doubleAttribute("negative_slope", 0.01));
    });
    registry.add("xnnpack.Softmax", softmax);
}

} // namespace pteron::runtime::xnnpack
