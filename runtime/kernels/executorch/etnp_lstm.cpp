// etnp::lstm.out: one unidirectional LSTM layer over a sequence (batch_first = false), as the
// custom operator of executorch-numpy-runtime defines it: gates in the order i, f, g, o,
// c' = f*c + i*g, h' = o*tanh(c'). fp32, accumulated in fp32.
#include "runtime/kernel_context.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/executorch/executorch_family.hpp"

#include <cmath>
#include <vector>

namespace pteron::runtime::executorch {

namespace {

float sigmoid(float x) {
    return 1.0f / (1.0f + std::exp(-x));
}

std::vector<float> floats(const KernelContext& ctx, std::size_t index, const Shape& expected) {
    const auto tensor = aten::toContiguous(aten::tensorArgument(ctx, index));
    if (tensor.dtype() != DType::Float32)
        ctx.fail("the LSTM needs fp32 tensors, given " + tensor.typeText());
    if (tensor.shape() != expected)
        ctx.fail("operand " + std::to_string(index) + " is " + tensor.typeText() + ", expected " +
                 shapeText(expected));
    const auto elements = aten::storageOf<float>(tensor);
    return {elements.begin(), elements.end()};
}

// (input [T,B,I], h0 [B,H], c0 [B,H], w_ih [4H,I], w_hh [4H,H], b_ih? [4H], b_hh? [4H])
//   -> (output [T,B,H], hn [B,H], cn [B,H])
void lstm(KernelContext& ctx) {
    const auto& input = aten::tensorArgument(ctx, 0);
    const auto& h0 = aten::tensorArgument(ctx, 1);
    if (input.rank() != 3 || h0.rank() != 2)
        ctx.fail("expects input [T,B,I] and h0 [B,H], given " + input.typeText() + " and " +
                 h0.typeText());
    const auto steps = input.dim(0);
    const auto batch = input.dim(1);
    const auto features = input.dim(2);
    const auto hidden = h0.dim(1);
    const auto x = floats(ctx, 0, {steps, batch, features});
    auto h = floats(ctx, 1, {batch, hidden});
    auto c = floats(ctx, 2, {batch, hidden});
    const auto wIh = floats(ctx, 3, {4 * hidden, features});
    const auto wHh = floats(ctx, 4, {4 * hidden, hidden});
    std::vector<float> bias(static_cast<std::size_t>(4 * hidden), 0.0f);
    for (const std::size_t index : {std::size_t{5}, std::size_t{6}}) {
        if (!aten::hasArgument(ctx, index)) continue;
        const auto b = floats(ctx, index, {4 * hidden});
        for (std::size_t i = 0; i < bias.size(); ++i)
            bias[i] += b[i];
    }
    std::vector<float> output(static_cast<std::size_t>(steps * batch * hidden));
    std::vector<float> gates(static_cast<std::size_t>(4 * hidden));
    std::vector<float> nextH(h.size());
    for (std::int64_t t = 0; t < steps; ++t) {
        for (std::int64_t b = 0; b < batch; ++b) {
            const float* xt = x.data() + (t * batch + b) * features;
            const float* hb = h.data() + b * hidden;
            for (std::int64_t g = 0; g < 4 * hidden; ++g) {
                float sum = bias[static_cast<std::size_t>(g)];
                const float* rowIh = wIh.data() + g * features;
                for (std::int64_t i = 0; i < features; ++i)
                    sum += rowIh[i] * xt[i];
                const float* rowHh = wHh.data() + g * hidden;
                for (std::int64_t i = 0; i < hidden; ++i)
                    sum += rowHh[i] * hb[i];
                gates[static_cast<std::size_t>(g)] = sum;
            }
            for (std::int64_t j = 0; j < hidden; ++j) {
                const auto at = static_cast<std::size_t>(j);
                const auto n = static_cast<std::size_t>(hidden);
                const float inputGate = sigmoid(gates[at]);
                const float forgetGate = sigmoid(gates[n + at]);
                const float cellGate = std::tanh(gates[2 * n + at]);
                const float outputGate = sigmoid(gates[3 * n + at]);
                auto& cell = c[static_cast<std::size_t>(b * hidden + j)];
                cell = forgetGate * cell + inputGate * cellGate;
                nextH[static_cast<std::size_t>(b * hidden + j)] = outputGate * std::tanh(cell);
            }
        }
        h = nextH;
        std::copy(h.begin(), h.end(), output.begin() + t * batch * hidden);
    }
    ctx.setOutput(0, aten::tensorFrom<float>(DType::Float32, {steps, batch, hidden}, output));
    ctx.setOutput(1, aten::tensorFrom<float>(DType::Float32, {batch, hidden}, h));
    ctx.setOutput(2, aten::tensorFrom<float>(DType::Float32, {batch, hidden}, c));
}

} // namespace

void addLstmKernels(KernelRegistry& registry) {
    registry.add("etnp::lstm.out", lstm);
}

} // namespace pteron::runtime::executorch
