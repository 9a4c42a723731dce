// Broadcasting binary nodes Add, Subtract, Multiply, Div, Minimum, Maximum, PReLU and
// BatchMatrixMultiply. Float math in fp32 with the node's clamp; qs8/qu8 Add/Subtract use
// XNNPACK's fixed-point multipliers (2^20-scaled, arithmetic shift), Multiply its fp32
// requantisation, Minimum/Maximum compare raw values; other quantised cases go through float.
#include "runtime/kernels/tflite/tflite_broadcast.hpp"
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"
#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"

#include <array>
#include <bit>
#include <cmath>

namespace pteron::runtime::xnnpack {

namespace {

using tflite::broadcastShapes;
using tflite::forEachBroadcast;

enum class Binary { Add, Subtract, Multiply, Div, Minimum, Maximum, PReLU };

float apply(Binary op, float a, float b) {
    switch (op) {
    case Binary::Add:
        return a + b;
    case Binary::Subtract:
        return a - b;
    case Binary::Multiply:
        return a * b;
    case Binary::Div:
        return a / b;
    case Binary::Minimum:
        return std::min(a, b);
    case Binary::Maximum:
        return std::max(a, b);
    case Binary::PReLU:
        return a < 0 ? a * b : a;
    }
    return 0;
}

struct QuantizedOperand {
    std::vector<std::int32_t> values;
    float scale = 1;
    std::int32_t zeroPoint = 0;
};

QuantizedOperand quantizedOperand(const KernelContext& ctx, std::size_t index) {
    const auto q = inputQuantization(ctx, index);
    if (q.kind != QuantKind::PerTensor || q.scales.empty())
        ctx.fail("operand " + std::to_string(index) + " must be quantised per tensor");
    return {integersOf(ctx, ctx.input(index)), q.scales[0],
            q.zeroPoints.empty() ? 0 : q.zeroPoints[0]};
}

Tensor integerTensor(DType type, Shape shape, const std::vector<std::int32_t>& values) {
    Tensor out(type, std::move(shape));
    auto bytes = out.mutableBytes();
    for (std::size_t i = 0; i < values.size(); ++i)
        bytes[i] = static_cast<std::byte>(static_cast<std::uint8_t>(values[i] & 0xff));
    return out;
}

// XNNPACK's add multiplier: |scale| * 2^shift rounded half to even.
std::int32_t addMultiplier(float scale, std::uint32_t shift) {
    return static_cast<std::int32_t>(
        std::nearbyint(std::ldexp(std::fabs(scale), static_cast<int>(shift))));
}

void quantizedAddSub(KernelContext& ctx, bool subtract) {
    const auto a = quantizedOperand(ctx, 0);
    const auto b = quantizedOperand(ctx, 1);
    const auto outQ = outputQuantization(ctx, 0);
    if (outQ.scales.empty()) ctx.fail("the quantised output has no scale");
    const float outScale = outQ.scales[0];
    const std::int32_t outZp = outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0];
    const float aScale = a.scale / outScale;
    const float bScale = (subtract ? -b.scale : b.scale) / outScale;
    const float maxScale = std::max(std::fabs(aScale), std::fabs(bScale));
    if (!(maxScale >= 0x1.0p-10f && maxScale < 0x1.0p+8f) || std::fabs(aScale) < 0x1.0p-10f ||
        std::fabs(bScale) < 0x1.0p-10f)
        ctx.fail("input/output scale ratios are outside XNNPACK's supported range [2^-10, 2^8)");
    const auto exponent =
        static_cast<std::int32_t>(std::bit_cast<std::uint32_t>(maxScale) >> 23) - 127;
    const auto shift = static_cast<std::uint32_t>(20 - exponent);
    const std::int32_t aMultiplier =
        std::signbit(aScale) ? -addMultiplier(aScale, shift) : addMultiplier(aScale, shift);
    const std::int32_t bMultiplier =
        std::signbit(bScale) ? -addMultiplier(bScale, shift) : addMultiplier(bScale, shift);
    const std::int64_t bias = (std::int64_t{1} << (shift - 1)) -
                              std::int64_t{aMultiplier} * a.zeroPoint -
                              std::int64_t{bMultiplier} * b.zeroPoint;
    const auto outType = ctx.outputValue(0).dtype;
    const auto range = quantizedClamp(ctx, outScale, outZp, outType);
    const auto plan = broadcastShapes(ctx, ctx.input(0).shape(), ctx.input(1).shape());
    std::vector<std::int32_t> out(static_cast<std::size_t>(elementCountOf(plan.output)));
    forEachBroadcast(plan, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
        const std::int64_t acc =
            bias + std::int64_t{a.values[static_cast<std::size_t>(ia)]} * aMultiplier +
            std::int64_t{b.values[static_cast<std::size_t>(ib)]} * bMultiplier;
        const auto shifted = static_cast<std::int32_t>(acc >> shift);
        out[static_cast<std::size_t>(i)] =
            std::clamp(shifted, range.min - outZp, range.max - outZp) + outZp;
    });
    ctx.setOutput(0, integerTensor(outType, plan.output, out));
}

void quantizedMultiply(KernelContext& ctx) {
    const auto a = quantizedOperand(ctx, 0);
    const auto b = quantizedOperand(ctx, 1);
    const auto outQ = outputQuantization(ctx, 0);
    if (outQ.scales.empty()) ctx.fail("the quantised output has no scale");
    const std::int32_t outZp = outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0];
    const float scale = a.scale * b.scale / outQ.scales[0];
    const auto outType = ctx.outputValue(0).dtype;
    const auto range = quantizedClamp(ctx, outQ.scales[0], outZp, outType);
    const auto plan = broadcastShapes(ctx, ctx.input(0).shape(), ctx.input(1).shape());
    std::vector<std::int32_t> out(static_cast<std::size_t>(elementCountOf(plan.output)));
    forEachBroadcast(plan, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
        const std::int64_t wide =
            (std::int64_t{a.values[static_cast<std::size_t>(ia)]} - a.zeroPoint) *
            (std::int64_t{b.values[static_cast<std::size_t>(ib)]} - b.zeroPoint);
        const auto product =
            static_cast<std::int32_t>(std::clamp<std::int64_t>(wide, INT32_MIN, INT32_MAX));
        out[static_cast<std::size_t>(i)] = requantize(product, scale, outZp, range);
    });
    ctx.setOutput(0, integerTensor(outType, plan.output, out));
}

// Minimum/Maximum on one quantisation, and the remaining quantised cases through float.
void quantizedByValue(KernelContext& ctx, Binary op) {
    const auto a = quantizedOperand(ctx, 0);
    const auto b = quantizedOperand(ctx, 1);
    const auto outQ = outputQuantization(ctx, 0);
    if (outQ.scales.empty()) ctx.fail("the quantised output has no scale");
    const std::int32_t outZp = outQ.zeroPoints.empty() ? 0 : outQ.zeroPoints[0];
    const auto outType = ctx.outputValue(0).dtype;
    const auto range = quantizedClamp(ctx, outQ.scales[0], outZp, outType);
    const bool raw = (op == Binary::Minimum || op == Binary::Maximum) && a.scale == b.scale &&
                     a.zeroPoint == b.zeroPoint && a.scale == outQ.scales[0] &&
                     a.zeroPoint == outZp;
    const auto plan = broadcastShapes(ctx, ctx.input(0).shape(), ctx.input(1).shape());
    std::vector<std::int32_t> out(static_cast<std::size_t>(elementCountOf(plan.output)));
    forEachBroadcast(plan, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
        const std::int32_t x = a.values[static_cast<std::size_t>(ia)];
        const std::int32_t y = b.values[static_cast<std::size_t>(ib)];
        std::int32_t q = 0;
        if (raw) {
            q = op == Binary::Minimum ? std::min(x, y) : std::max(x, y);
        } else {
            const float value = apply(op, static_cast<float>(x - a.zeroPoint) * a.scale,
                                      static_cast<float>(y - b.zeroPoint) * b.scale);
            q = roundedInRange(value / outQ.scales[0] + static_cast<float>(outZp), range.min,
                               range.max);
        }
        out[static_cast<std::size_t>(i)] = std::clamp(q, range.min, range.max);
    });
    ctx.setOutput(0, integerTensor(outType, plan.output, out));
}

void binary(KernelContext& ctx, Binary op) {
    const auto& a = ctx.input(0);
    const auto& b = ctx.input(1);
    if (isFloatType(a.dtype()) && isFloatType(b.dtype())) {
        const auto x = floatsOf(ctx, a);
        const auto y = floatsOf(ctx, b);
        const auto clamp = outputClamp(ctx);
        const auto plan = broadcastShapes(ctx, a.shape(), b.shape());
        std::vector<float> out(static_cast<std::size_t>(elementCountOf(plan.output)));
        forEachBroadcast(plan, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
            out[static_cast<std::size_t>(i)] = std::clamp(
                apply(op, x[static_cast<std::size_t>(ia)], y[static_cast<std::size_t>(ib)]),
                clamp.min, clamp.max);
        });
        const auto outType = ctx.outputValue(0).dtype;
        ctx.setOutput(0, floatTensor(isFloatType(outType) ? outType : a.dtype(), plan.output, out));
        return;
    }
    if (a.dtype() != b.dtype() || (a.dtype() != DType::Int8 && a.dtype() != DType::UInt8))
        ctx.fail("operands " + a.typeText() + " and " + b.typeText() + " are not supported");
    if (op == Binary::Add || op == Binary::Subtract)
        return quantizedAddSub(ctx, op == Binary::Subtract);
    if (op == Binary::Multiply) return quantizedMultiply(ctx);
    quantizedByValue(ctx, op);
}

// input1 [..., M, K] x input2 [..., K, N] (or [..., N, K] with flag 0x1), batch dims broadcast.
void batchMatrixMultiply(KernelContext& ctx) {
    const auto& a = ctx.input(0);
    const auto& b = ctx.input(1);
    if (!isFloatType(a.dtype()) || !isFloatType(b.dtype()))
        ctx.fail("BatchMatrixMultiply supports float operands, given " + a.typeText() + " and " +
                 b.typeText());
    if (a.rank() < 2 || b.rank() < 2) ctx.fail("operands must have at least two dimensions");
    const bool transposeB = (ctx.intAttribute("flags", 0) & 0x1) != 0;
    const std::int64_t m = a.dim(a.rank() - 2), k = a.dim(a.rank() - 1);
    const std::int64_t kb = transposeB ? b.dim(b.rank() - 1) : b.dim(b.rank() - 2);
    const std::int64_t n = transposeB ? b.dim(b.rank() - 2) : b.dim(b.rank() - 1);
    if (k != kb) ctx.fail("inner dimensions differ: " + a.typeText() + " and " + b.typeText());
    const Shape batchA(a.shape().begin(), a.shape().end() - 2);
    const Shape batchB(b.shape().begin(), b.shape().end() - 2);
    const auto plan = broadcastShapes(ctx, batchA, batchB);
    Shape outShape = plan.output;
    outShape.push_back(m);
    outShape.push_back(n);
    const auto x = floatsOf(ctx, a);
    const auto y = floatsOf(ctx, b);
    std::vector<float> out(static_cast<std::size_t>(elementCountOf(outShape)));
    const auto clamp = outputClamp(ctx);
    std::vector<std::array<std::int64_t, 3>> batches;
    forEachBroadcast(plan, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
        batches.push_back({i, ia, ib});
    });
    ctx.pool().parallelFor(
        static_cast<std::int64_t>(batches.size()), [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t bi = begin; bi < end; ++bi) {
                const auto [o, ia, ib] = batches[static_cast<std::size_t>(bi)];
                const float* pa = x.data() + ia * m * k;
                const float* pb = y.data() + ib * k * n;
                float* po = out.data() + o * m * n;
                for (std::int64_t i = 0; i < m; ++i)
                    for (std::int64_t j = 0; j < n; ++j) {
                        float acc = 0;
                        for (std::int64_t t = 0; t < k; ++t)
                            acc += pa[i * k + t] * (transposeB ? pb[j * k + t] : pb[t * n + j]);
                        po[i * n + j] = std::clamp(acc, clamp.min, clamp.max);
                    }
            }
        });
    const auto outType = ctx.outputValue(0).dtype;
    ctx.setOutput(0, floatTensor(isFloatType(outType) ? outType : a.dtype(), outShape, out));
}

} // namespace

void addBinaryKernels(KernelRegistry& registry) {
    const std::pair<const char*, Binary> ops[] = {
        {"xnnpack.Add", Binary::Add},           {"xnnpack.Subtract", Binary::Subtract},
        {"xnnpack.Multiply", Binary::Multiply}, {"xnnpack.Div", Binary::Div},
        {"xnnpack.Minimum", Binary::Minimum},   {"xnnpack.Maximum", Binary::Maximum},
        {"xnnpack.PReLU", Binary::PReLU},
    };
    for (const auto& [name, op] : ops)
        registry.add(name, [op](KernelContext& ctx) { binary(ctx, op); });
    registry.add("xnnpack.BatchMatrixMultiply", batchMatrixMultiply);
}

} // namespace pteron::runtime::xnnpack
