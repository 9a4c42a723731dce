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

// out[i] = f(in[i]) for i in [begin, end); pointers and f arrive by value so stores through
// `out` (possibly char-typed) cannot alias them and the loop vectorises.
template <typename In, typename Out, typename F>
void mapRange(const In* in, Out* out, std::int64_t begin, std::int64_t end, F f) {
    for (std::int64_t i = begin; i < end; ++i)
        out[i] = static_cast<Out>(f(in[i]));
}

// out = f(in) over the integer type T the input and output share.
template <typename T, typename F> void integerUnary(KernelContext& ctx, F f) {
    const auto& input = ctx.input(0);
    checkOutputShape(ctx, 0, input.shape());
    Tensor output(input.dtype(), input.shape());
    const T* in = input.elements<T>().data();
    T* out = output.mutableElements<T>().data();
    const auto count = static_cast<std::int64_t>(input.elementCount());
    if (count < kParallelElements)
        mapRange(in, out, 0, count, f);
    else
        ctx.pool().parallelFor(
            count, [=](std::int64_t begin, std::int64_t end) { mapRange(in, out, begin, end, f); });
    ctx.setOutput(0, std::move(output));
}

} // namespace pteron::runtime::tosa
