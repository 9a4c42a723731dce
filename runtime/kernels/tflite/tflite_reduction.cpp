// MEAN and SUM over the axes of operand 1: fp32, and int8/uint8/int16 as TFLM's reduce kernels
// (integer mean when input and output share quantisation, else the float-rounded
// QuantizedMeanOrSum).
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"
#include "runtime/tensor_elements.hpp"

#include <cmath>

namespace pteron::runtime::tflite {

namespace {

struct Reduction {
    Shape output;                            // with reduced axes kept as 1 when keep_dims
    std::vector<bool> reduced;               // per input axis
    std::vector<std::int64_t> outputIndexOf; // per input element
    std::int64_t outputs = 1;
    std::int64_t perOutput = 1;
};

Reduction reduction(const KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& axesTensor = ctx.input(1);
    const std::size_t rank = input.rank();
    Reduction r;
    r.reduced.assign(rank, false);
    for (std::uint64_t i = 0; i < axesTensor.elementCount(); ++i) {
        auto axis = elementAsInt(axesTensor, i);
        if (axis < -static_cast<std::int64_t>(rank) || axis >= static_cast<std::int64_t>(rank))
            ctx.fail("axis " + std::to_string(axis) + " is outside the input");
        if (axis < 0) axis += static_cast<std::int64_t>(rank);
        r.reduced[static_cast<std::size_t>(axis)] = true;
    }
    const bool keep = ctx.boolAttribute("keep_dims", false);
    Shape compact;
    for (std::size_t d = 0; d < rank; ++d) {
        if (r.reduced[d]) {
            r.perOutput *= input.dim(d);
            if (keep) r.output.push_back(1);
        } else {
            r.output.push_back(input.dim(d));
            compact.push_back(input.dim(d));
            r.outputs *= input.dim(d);
        }
    }
    // Output position of every input element (row-major walk with an odometer).
    r.outputIndexOf.resize(input.elementCount());
    std::vector<std::int64_t> index(rank, 0);
    for (std::uint64_t i = 0; i < input.elementCount(); ++i) {
        std::int64_t at = 0;
        for (std::size_t d = 0; d < rank; ++d)
            if (!r.reduced[d]) at = at * input.dim(d) + index[d];
        r.outputIndexOf[i] = at;
        for (std::size_t d = rank; d-- > 0;) {
            if (++index[d] < input.dim(d)) break;
            index[d] = 0;
        }
    }
    return r;
}

void reduceFloat(KernelContext& ctx, const Reduction& r, bool mean) {
    std::vector<float> sums(static_cast<std::size_t>(r.outputs), 0.0f);
    const auto in = ctx.input(0).elements<float>();
    for (std::size_t i = 0; i < in.size(); ++i)
        sums[static_cast<std::size_t>(r.outputIndexOf[i])] += in[i];
    Tensor out(DType::Float32, r.output);
    auto target = out.mutableElements<float>();
    for (std::size_t o = 0; o < sums.size(); ++o)
        target[o] = mean && r.perOutput > 0 ? sums[o] / static_cast<float>(r.perOutput) : sums[o];
    ctx.setOutput(0, std::move(out));
}

// int8, uint8 and int16: integer sums, rescaled to the output quantisation in float.
void reduceQuantized(KernelContext& ctx, const Reduction& r, bool mean) {
    const auto type = ctx.input(0).dtype();
    if (r.perOutput > (type == DType::Int16 ? 1 << 16 : 1 << 23))
        ctx.fail("too many elements per output for the int32 sum");
    std::vector<std::int32_t> sums(static_cast<std::size_t>(r.outputs), 0);
    const auto in = widened(ctx, ctx.input(0));
    for (std::size_t i = 0; i < in.size(); ++i)
        sums[static_cast<std::size_t>(r.outputIndexOf[i])] += in[i];
    const auto inQ = inputQuantization(ctx, 0);
    const auto outQ = outputQuantization(ctx, 0);
    const auto limits = typeLimits(ctx, type);
    const auto low = static_cast<float>(limits.min), high = static_cast<float>(limits.max);
    std::vector<std::int32_t> result(sums.size());
    const bool same = inQ.zeroPoint == outQ.zeroPoint && inQ.scale == outQ.scale;
    const float scale = inQ.scale / outQ.scale;
    const auto count = static_cast<float>(r.perOutput);
    for (std::size_t o = 0; o < sums.size(); ++o) {
        if (r.perOutput == 0) {
            result[o] = 0;
        } else if (mean && same) {
            result[o] = sums[o] / static_cast<std::int32_t>(r.perOutput);
        } else if (mean) {
            const float bias = static_cast<float>(-inQ.zeroPoint) * scale;
            const float value = std::round(static_cast<float>(sums[o]) / count * scale + bias) +
                                static_cast<float>(outQ.zeroPoint);
            result[o] = static_cast<std::int32_t>(std::clamp(value, low, high));
        } else {
            const float bias = static_cast<float>(-inQ.zeroPoint) * scale * count;
            const float value = std::round(static_cast<float>(sums[o]) * scale + bias) +
                                static_cast<float>(outQ.zeroPoint);
            result[o] = static_cast<std::int32_t>(std::clamp(value, low, high));
        }
    }
    ctx.setOutput(0, narrowed(ctx, type, r.output, result));
}

void reduce(KernelContext& ctx, bool mean) {
    const auto r = reduction(ctx);
    switch (ctx.input(0).dtype()) {
    case DType::Float32:
        return reduceFloat(ctx, r, mean);
    case DType::Int8:
    case DType::UInt8:
    case DType::Int16:
        return reduceQuantized(ctx, r, mean);
    default:
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported");
    }
}

} // namespace

void addReductionKernels(KernelRegistry& registry) {
    registry.add("tflite.MEAN", [](KernelContext& ctx) { reduce(ctx, true); });
    registry.add("tflite.SUM", [](KernelContext& ctx) { reduce(ctx, false); });
}

} // namespace pteron::runtime::tflite
