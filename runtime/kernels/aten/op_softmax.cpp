// _softmax and _log_softmax along one dimension, computed in fp32 (fp64 for fp64 inputs) with
// the maximum subtracted first.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::aten {

namespace {

void softmax(KernelContext& ctx, bool logarithmic) {
    const auto input = contiguousInput(ctx, 0);
    if (!isFloatType(input.dtype())) ctx.fail("softmax needs a floating-point input");
    const auto dim = normalizeDim(ctx, intArgument(ctx, 1), input.rank());
    std::int64_t outer = 1, length = 1, inner = 1;
    for (std::size_t d = 0; d < input.rank(); ++d) {
        if (d < dim)
            outer *= input.dim(d);
        else if (d == dim)
            length = input.dim(d);
        else
            inner *= input.dim(d);
    }
    const auto out = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        auto values = elementsAs<T>(input);
        const auto body = [&](std::int64_t begin, std::int64_t end) {
            for (auto row = begin; row < end; ++row) {
                const auto o = row / inner;
                const auto i = row % inner;
                T* base = values.data() + o * length * inner + i;
                T maximum = -std::numeric_limits<T>::infinity();
                for (std::int64_t l = 0; l < length; ++l)
                    maximum = std::max(maximum, base[l * inner]);
                T sum{0};
                for (std::int64_t l = 0; l < length; ++l)
                    sum += std::exp(base[l * inner] - maximum);
                if (logarithmic) {
                    const T logSum = std::log(sum);
                    for (std::int64_t l = 0; l < length; ++l)
                        base[l * inner] = base[l * inner] - maximum - logSum;
                } else {
                    for (std::int64_t l = 0; l < length; ++l)
                        base[l * inner] = std::exp(base[l * inner] - maximum) / sum;
                }
            }
        };
        if (outer * inner * length < kParallelGrain)
            body(0, outer * inner);
        else
            ctx.pool().parallelFor(outer * inner, body);
        return tensorFrom<T>(out, input.shape(), values);
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addSoftmaxKernels(KernelRegistry& registry) {
    registry.add("aten::_softmax.out", [](KernelContext& ctx) { softmax(ctx, false); });
    registry.add("aten::_log_softmax.out", [](KernelContext& ctx) { softmax(ctx, true); });
    registry.add("aten::softmax.int_out", [](KernelContext& ctx) { softmax(ctx, false); });
    registry.add("aten::log_softmax.int_out", [](KernelContext& ctx) { softmax(ctx, true); });
}

} // namespace pteron::runtime::aten
