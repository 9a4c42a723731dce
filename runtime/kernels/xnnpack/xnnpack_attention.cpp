// ScaledDotProductAttention: softmax((Q * scale) K^T + mask) V over [..., heads, tokens,
// channels] float tensors, with the per-channel scale operand XNNPACK takes.
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"
#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::xnnpack {

namespace {

void attention(KernelContext& ctx) {
    const auto& q = ctx.input(0);
    const auto& k = ctx.input(1);
    const auto& v = ctx.input(2);
    if (q.rank() < 2 || k.rank() != q.rank() || v.rank() != q.rank() || !isFloatType(q.dtype()))
        ctx.fail("query, key and value must be float tensors of one rank");
    const std::size_t r = q.rank();
    const std::int64_t tq = q.dim(r - 2), channels = q.dim(r - 1);
    const std::int64_t tk = k.dim(r - 2), vc = v.dim(r - 1);
    if (k.dim(r - 1) != channels || v.dim(r - 2) != tk)
        ctx.fail("key/value shapes do not match the query");
    const std::int64_t heads =
        static_cast<std::int64_t>(q.elementCount()) / std::max<std::int64_t>(tq * channels, 1);
    if (static_cast<std::int64_t>(k.elementCount()) != heads * tk * channels ||
        static_cast<std::int64_t>(v.elementCount()) != heads * tk * vc)
        ctx.fail("query, key and value must have the same heads");
    const auto query = floatsOf(ctx, q);
    const auto key = floatsOf(ctx, k);
    const auto value = floatsOf(ctx, v);
    std::vector<float> scale(static_cast<std::size_t>(channels),
                             1.0f / std::sqrt(static_cast<float>(channels)));
    if (ctx.hasInput(3)) {
        const auto given = floatsOf(ctx, ctx.input(3));
        if (given.size() == 1)
            std::fill(scale.begin(), scale.end(), given[0]);
        else if (given.size() == scale.size())
            scale = given;
        else
            ctx.fail("the scale must have one value or one per channel");
    }
    std::vector<float> mask;
    if (ctx.hasInput(4)) {
        mask = floatsOf(ctx, ctx.input(4));
        if (mask.size() != static_cast<std::size_t>(tq * tk))
            ctx.fail("the mask must be [query tokens, key tokens]");
    }
    Shape shape = q.shape();
    shape.back() = vc;
    std::vector<float> out(static_cast<std::size_t>(heads * tq * vc));
    std::vector<float> logits(static_cast<std::size_t>(tk));
    for (std::int64_t h = 0; h < heads; ++h)
        for (std::int64_t i = 0; i < tq; ++i) {
            float max = -std::numeric_limits<float>::infinity();
            for (std::int64_t j = 0; j < tk; ++j) {
                float dot = 0;
                for (std::int64_t c = 0; c < channels; ++c)
                    dot += query[static_cast<std::size_t>((h * tq + i) * channels + c)] *
                           scale[static_cast<std::size_t>(c)] *
                           key[static_cast<std::size_t>((h * tk + j) * channels + c)];
                if (!mask.empty()) dot += mask[static_cast<std::size_t>(i * tk + j)];
                logits[static_cast<std::size_t>(j)] = dot;
                max = std::max(max, dot);
            }
            float sum = 0;
            for (auto& l : logits)
                sum += (l = std::exp(l - max));
            for (std::int64_t c = 0; c < vc; ++c) {
                float acc = 0;
                for (std::int64_t j = 0; j < tk; ++j)
                    acc += logits[static_cast<std::size_t>(j)] *
                           value[static_cast<std::size_t>((h * tk + j) * vc + c)];
                out[static_cast<std::size_t>((h * tq + i) * vc + c)] = acc / sum;
            }
        }
    ctx.setOutput(0, floatTensor(q.dtype(), shape, out));
}

} // namespace

void addAttentionKernels(KernelRegistry& registry) {
    registry.add("xnnpack.ScaledDotProductAttention", attention);
}

} // namespace pteron::runtime::xnnpack
