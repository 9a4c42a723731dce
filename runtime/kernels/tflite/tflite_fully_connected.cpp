// FULLY_CONNECTED: out[b, o] = sum_k in[b, k] * filter[o, k] + bias[o]; int8 (TFLM
// FullyConnected with filter offset, per-tensor or per-channel), int16 x int8 (the 16x8 kernels:
// int64 bias selects int64 accumulators), uint8 (legacy per-tensor with offsets) and fp32.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"
#include "runtime/kernels/tflite/tflite_requantize.hpp"

namespace pteron::runtime::tflite {

namespace {

struct FcShape {
    std::int64_t batches = 0;
    std::int64_t depth = 0;
    std::int64_t outputs = 0;
    Shape outputShape;
};

FcShape fcShape(const KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& filter = ctx.input(1);
    if (filter.rank() != 2 || filter.dim(1) <= 0)
        ctx.fail("the filter must be 2-d [outputs, depth], given " + filter.typeText());
    FcShape s;
    s.outputs = filter.dim(0);
    s.depth = filter.dim(1);
    if (input.elementCount() % static_cast<std::uint64_t>(s.depth) != 0)
        ctx.fail("input " + input.typeText() + " is not a whole number of rows of depth " +
                 std::to_string(s.depth));
    if (s.depth > (1 << 15)) ctx.fail("a depth over 32768 is larger than the kernel supports");
    s.batches = static_cast<std::int64_t>(input.elementCount()) / s.depth;
    if (ctx.hasInput(2) && ctx.input(2).elementCount() != static_cast<std::uint64_t>(s.outputs))
        ctx.fail("bias " + ctx.input(2).typeText() + " needs " + std::to_string(s.outputs) +
                 " elements");
    if (ctx.boolAttribute("keep_num_dims", false) && input.rank() > 0) {
        s.outputShape = input.shape();
        s.outputShape.back() = s.outputs;
    } else {
        s.outputShape = {s.batches, s.outputs};
    }
    if (elementCountOf(s.outputShape) != static_cast<std::uint64_t>(s.batches * s.outputs))
        ctx.fail("keep_num_dims output does not match the input rows");
    return s;
}

void fcInt8(KernelContext& ctx, const FcShape& s) {
    if (ctx.input(1).dtype() != DType::Int8) ctx.fail("int8 input needs an int8 filter");
    const auto* input = ctx.input(0).elements<std::int8_t>().data();
    const auto* filter = ctx.input(1).elements<std::int8_t>().data();
    const std::int32_t* bias = nullptr;
    if (ctx.hasInput(2)) {
        if (ctx.input(2).dtype() != DType::Int32) ctx.fail("int8 input needs an int32 bias");
        bias = ctx.input(2).elements<std::int32_t>().data();
    }
    const std::int32_t inputOffset = -inputQuantization(ctx, 0).zeroPoint;
    const std::int32_t filterOffset = -inputQuantization(ctx, 1).zeroPoint;
    // With int8 zero points a product stays below 2^16, which the depth bound relies on.
    if (inputOffset < -127 || inputOffset > 128 || filterOffset < -127 || filterOffset > 128)
        ctx.fail("input and filter zero points must be int8");
    const auto requantize = channelRequantization(ctx, 0, 1, static_cast<std::size_t>(s.outputs));
    Tensor out(DType::Int8, s.outputShape);
    auto* result = out.mutableElements<std::int8_t>().data();
    ctx.pool().parallelFor(s.batches, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t b = begin; b < end; ++b) {
            const std::int8_t* row = input + b * s.depth;
            for (std::int64_t o = 0; o < s.outputs; ++o) {
                const std::int8_t* weights = filter + o * s.depth;
                std::int32_t acc = 0;
                for (std::int64_t k = 0; k < s.depth; ++k)
                    acc += (row[k] + inputOffset) * (weights[k] + filterOffset);
                if (bias) acc = wrappingAdd(acc, bias[o]);
                result[b * s.outputs + o] = requantize.apply(acc, static_cast<std::size_t>(o));
            }
        }
    });
    ctx.setOutput(0, std::move(out));
}

// int16 input: no input offset; per-channel filters take no filter offset, a per-tensor one
// its zero point. uint8: input and filter offsets, int32 bias.
void fcWide(KernelContext& ctx, const FcShape& s) {
    const auto type = ctx.input(0).dtype();
    const bool int16 = type == DType::Int16;
    if (ctx.input(1).dtype() != (int16 ? DType::Int8 : DType::UInt8))
        ctx.fail(std::string(int16 ? "int16 input needs an int8 filter"
                                   : "uint8 input needs a uint8 filter") +
                 ", given " + ctx.input(1).typeText());
    if (ctx.outputValue(0).dtype != type) ctx.fail("the output type must match the input");
    const auto inQ = inputQuantization(ctx, 0);
    if (int16 && (inQ.zeroPoint != 0 || outputQuantization(ctx, 0).zeroPoint != 0))
        ctx.fail("int16 activations need zero points 0");
    const bool perChannel = inputScales(ctx, 1).size() > 1;
    const std::int32_t inputOffset = int16 ? 0 : -inQ.zeroPoint;
    const std::int32_t filterOffset = perChannel ? 0 : -inputQuantization(ctx, 1).zeroPoint;
    std::vector<std::int64_t> bias;
    bool int64Accumulator = false;
    if (ctx.hasInput(2)) {
        bias = widenedBias(ctx, ctx.input(2));
        int64Accumulator = ctx.input(2).dtype() == DType::Int64;
        if (int64Accumulator && !int16) ctx.fail("uint8 input needs an int32 bias");
    }
    const auto input = widened(ctx, ctx.input(0));
    const auto filter = widened(ctx, ctx.input(1));
    const auto requantize = channelRequantization(ctx, 0, 1, static_cast<std::size_t>(s.outputs),
                                                  typeLimits(ctx, type));
    std::vector<std::int32_t> result(static_cast<std::size_t>(s.batches * s.outputs));
    ctx.pool().parallelFor(s.batches, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t b = begin; b < end; ++b) {
            const auto* row = input.data() + b * s.depth;
            for (std::int64_t o = 0; o < s.outputs; ++o) {
                const auto* weights = filter.data() + o * s.depth;
                std::int64_t acc = 0;
                for (std::int64_t k = 0; k < s.depth; ++k)
                    acc += std::int64_t{row[k] + inputOffset} * (weights[k] + filterOffset);
                if (!bias.empty()) acc += bias[static_cast<std::size_t>(o)];
                result[static_cast<std::size_t>(b * s.outputs + o)] =
                    requantize.applyWide(acc, static_cast<std::size_t>(o), int64Accumulator);
            }
        }
    });
    ctx.setOutput(0, narrowed(ctx, type, s.outputShape, result));
}

void fcFloat(KernelContext& ctx, const FcShape& s) {
    if (ctx.input(1).dtype() != DType::Float32) ctx.fail("fp32 input needs an fp32 filter");
    const auto* input = ctx.input(0).elements<float>().data();
    const auto* filter = ctx.input(1).elements<float>().data();
    const float* bias = nullptr;
    if (ctx.hasInput(2)) {
        if (ctx.input(2).dtype() != DType::Float32) ctx.fail("fp32 input needs an fp32 bias");
        bias = ctx.input(2).elements<float>().data();
    }
    const auto range = floatActivationRange(ctx);
    Tensor out(DType::Float32, s.outputShape);
    auto* result = out.mutableElements<float>().data();
    ctx.pool().parallelFor(s.batches, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t b = begin; b < end; ++b) {
            const float* row = input + b * s.depth;
            for (std::int64_t o = 0; o < s.outputs; ++o) {
                const float* weights = filter + o * s.depth;
                float acc = 0;
                for (std::int64_t k = 0; k < s.depth; ++k)
                    acc += row[k] * weights[k];
                if (bias) acc += bias[o];
                result[b * s.outputs + o] = std::clamp(acc, range.min, range.max);
            }
        }
    });
    ctx.setOutput(0, std::move(out));
}

void fullyConnected(KernelContext& ctx) {
    const auto shape = fcShape(ctx);
    switch (ctx.input(0).dtype()) {
    case DType::Int8:
        return fcInt8(ctx, shape);
    case DType::Int16:
    case DType::UInt8:
        return fcWide(ctx, shape);
    case DType::Float32:
        return fcFloat(ctx, shape);
    default:
        ctx.fail("input type " + ctx.input(0).typeText() +
                 " is not supported (int8, int16, uint8, fp32)");
    }
}

} // namespace

void addFullyConnectedKernels(KernelRegistry& registry) {
    registry.add("tflite.FULLY_CONNECTED", fullyConnected);
}

} // namespace pteron::runtime::tflite
