// One-operand elementwise maps for TOSA kernels: floating-point ones computed in fp32 and rounded
// to the output type, integer ones over the stored type.
#pragma once

#include "runtime/kernels/tosa/tosa_broadcast.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

namespace pteron::runtime::tosa {

// out = f(in) for a fp32/fp16/bf16 input, rounded to the output type.
template <typename F> void floatUnary(KernelContext& ctx, const F& f) {
    const auto& input = ctx.input(0);
    checkOutputShape(ctx, 0, input.shape());
    const auto outType = outputType(ctx, 0, input.dtype());
    auto values = floatsOf(ctx, input);
    for (auto& value : values)
        value = roundToFloatType(outType, f(value));
    ctx.setOutput(0, floatTensor(ctx, outType, input.shape(), values));
}

// out = f(in) over the integer type T the input and output share.
template <typename F> void integerUnary(KernelContext& ctx, const F& f) {
    const auto& input = ctx.input(0);
    checkOutputShape(ctx, 0, input.shape());
    Tensor output(input.dtype(), input.shape());
    withIntegerType(ctx, input.dtype(), [&]<typename T>() {
        const auto in = input.elements<T>();
        auto out = output.mutableElements<T>();
        const auto count = static_cast<std::int64_t>(in.size());
        const auto run = [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i)
                out[static_cast<std::size_t>(i)] =
                    static_cast<T>(f(in[static_cast<std::size_t>(i)]));
        };
        if (count < kParallelElements)
            run(0, count);
        else
            ctx.pool().parallelFor(count, run);
    });
    ctx.setOutput(0, std::move(output));
}

} // namespace pteron::runtime::tosa
