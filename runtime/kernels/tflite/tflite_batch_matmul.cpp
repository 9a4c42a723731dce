// BATCH_MATMUL: lhs [..., M, K] x rhs [..., K, N] (adj_x / adj_y transpose the last two axes),
// batch axes broadcast. fp32; int8 (zero points subtracted, int32 accumulators) and int16 (int64
// accumulators with the int64 rescale), one multiplier lhs scale x rhs scale / output scale.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
#include "runtime/kernels/tflite/tflite_integer_tensor.hpp"

namespace pteron::runtime::tflite {

namespace {

struct MatmulShape {
    std::int64_t m = 0, k = 0, n = 0;
    Shape batch;                          // broadcast batch shape
    std::vector<std::int64_t> lhsBatches; // per output batch: the lhs matrix index
    std::vector<std::int64_t> rhsBatches;
    bool adjX = false, adjY = false;
};

// Index of each broadcast batch in an operand with batch shape `dims` (right-aligned).
std::vector<std::int64_t> batchIndices(const Shape& batch, const Shape& dims) {
    const auto total = static_cast<std::int64_t>(elementCountOf(batch));
    std::vector<std::int64_t> indices(static_cast<std::size_t>(total));
    const std::size_t offset = batch.size() - dims.size();
    for (std::int64_t flat = 0; flat < total; ++flat) {
        std::int64_t rest = flat, index = 0, stride = 1;
        for (std::size_t axis = batch.size(); axis-- > 0;) {
            const std::int64_t coordinate = rest % batch[axis];
            rest /= batch[axis];
            if (axis < offset) continue;
            const std::int64_t size = dims[axis - offset];
            index += (size == 1 ? 0 : coordinate) * stride;
            stride *= size;
        }
        indices[static_cast<std::size_t>(flat)] = index;
    }
    return indices;
}

MatmulShape matmulShape(const KernelContext& ctx) {
    const auto& lhs = ctx.input(0);
    const auto& rhs = ctx.input(1);
    if (lhs.rank() < 2 || rhs.rank() < 2)
        ctx.fail("operands must be at least 2-d, given " + lhs.typeText() + " and " +
                 rhs.typeText());
    MatmulShape s;
    s.adjX = ctx.boolAttribute("adj_x", false);
    s.adjY = ctx.boolAttribute("adj_y", false);
    const auto lr = lhs.rank(), rr = rhs.rank();
    s.m = s.adjX ? lhs.dim(lr - 1) : lhs.dim(lr - 2);
    s.k = s.adjX ? lhs.dim(lr - 2) : lhs.dim(lr - 1);
    const auto rhsK = s.adjY ? rhs.dim(rr - 1) : rhs.dim(rr - 2);
    s.n = s.adjY ? rhs.dim(rr - 2) : rhs.dim(rr - 1);
    if (rhsK != s.k)
        ctx.fail("inner dimensions of " + lhs.typeText() + " and " + rhs.typeText() +
                 " do not match");
    const Shape lhsBatch(lhs.shape().begin(), lhs.shape().end() - 2);
    const Shape rhsBatch(rhs.shape().begin(), rhs.shape().end() - 2);
    const auto rank = std::max(lhsBatch.size(), rhsBatch.size());
    s.batch.assign(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const auto a = i + lhsBatch.size() >= rank ? lhsBatch[i + lhsBatch.size() - rank] : 1;
        const auto b = i + rhsBatch.size() >= rank ? rhsBatch[i + rhsBatch.size() - rank] : 1;
        if (a != b && a != 1 && b != 1)
            ctx.fail("batch dimensions of " + lhs.typeText() + " and " + rhs.typeText() +
                     " do not broadcast");
        s.batch[i] = a == 1 ? b : a;
    }
    s.lhsBatches = batchIndices(s.batch, lhsBatch);
    s.rhsBatches = batchIndices(s.batch, rhsBatch);
    return s;
}

Shape outputShape(const MatmulShape& s) {
    Shape shape = s.batch;
    shape.push_back(s.m);
    shape.push_back(s.n);
    return shape;
}

// Where row i of the lhs and column j of the rhs start for one output batch, and their steps
// along K.
struct Offsets {
    std::int64_t lhsRow, lhsStep, rhsColumn, rhsStep;
};

Offsets offsetsOf(const MatmulShape& s, std::int64_t batch, std::int64_t i, std::int64_t j) {
    const auto lhsBase = s.lhsBatches[static_cast<std::size_t>(batch)] * s.m * s.k;
    const auto rhsBase = s.rhsBatches[static_cast<std::size_t>(batch)] * s.k * s.n;
    Offsets o{};
    o.lhsRow = lhsBase + (s.adjX ? i : i * s.k);
    o.lhsStep = s.adjX ? s.m : 1;
    o.rhsColumn = rhsBase + (s.adjY ? j * s.k : j);
    o.rhsStep = s.adjY ? 1 : s.n;
    return o;
}

void matmulFloat(KernelContext& ctx, const MatmulShape& s) {
    if (ctx.input(1).dtype() != DType::Float32) ctx.fail("fp32 lhs needs an fp32 rhs");
    const auto* lhs = ctx.input(0).elements<float>().data();
    const auto* rhs = ctx.input(1).elements<float>().data();
    Tensor out(DType::Float32, outputShape(s));
    auto* result = out.mutableElements<float>().data();
    const auto batches = static_cast<std::int64_t>(s.lhsBatches.size());
    for (std::int64_t b = 0; b < batches; ++b)
        for (std::int64_t i = 0; i < s.m; ++i)
            for (std::int64_t j = 0; j < s.n; ++j) {
                const auto o = offsetsOf(s, b, i, j);
                float acc = 0;
                for (std::int64_t k = 0; k < s.k; ++k)
                    acc += lhs[o.lhsRow + k * o.lhsStep] * rhs[o.rhsColumn + k * o.rhsStep];
                result[(b * s.m + i) * s.n + j] = acc;
            }
    ctx.setOutput(0, std::move(out));
}

void matmulInteger(KernelContext& ctx, const MatmulShape& s) {
    const auto type = ctx.input(0).dtype();
    if (ctx.input(1).dtype() != type || ctx.outputValue(0).dtype != type)
        ctx.fail("operands and output must share a type, given " + ctx.input(0).typeText() +
                 " and " + ctx.input(1).typeText());
    const bool int16 = type == DType::Int16;
    const auto lhsQ = inputQuantization(ctx, 0);
    const auto rhsQ = inputQuantization(ctx, 1);
    const auto outQ = outputQuantization(ctx, 0);
    if (int16 && (lhsQ.zeroPoint != 0 || rhsQ.zeroPoint != 0 || outQ.zeroPoint != 0))
        ctx.fail("int16 operands need zero points 0");
    if (!(outQ.scale > 0)) ctx.fail("the output scale must be positive");
    const auto m =
        quantizeMultiplier(static_cast<double>(lhsQ.scale) * static_cast<double>(rhsQ.scale) /
                           static_cast<double>(outQ.scale));
    const auto limits = typeLimits(ctx, type);
    const auto lhs = widened(ctx, ctx.input(0));
    const auto rhs = widened(ctx, ctx.input(1));
    const auto batches = static_cast<std::int64_t>(s.lhsBatches.size());
    std::vector<std::int32_t> result(static_cast<std::size_t>(batches * s.m * s.n));
    for (std::int64_t b = 0; b < batches; ++b)
        for (std::int64_t i = 0; i < s.m; ++i)
            for (std::int64_t j = 0; j < s.n; ++j) {
                const auto o = offsetsOf(s, b, i, j);
                std::int64_t acc = 0;
                for (std::int64_t k = 0; k < s.k; ++k)
                    acc += std::int64_t{lhs[static_cast<std::size_t>(o.lhsRow + k * o.lhsStep)] -
                                        lhsQ.zeroPoint} *
                           (rhs[static_cast<std::size_t>(o.rhsColumn + k * o.rhsStep)] -
                            rhsQ.zeroPoint);
                const std::int32_t scaled =
                    int16 ? multiplyByQuantizedMultiplier64(acc, m.multiplier, m.shift)
                          : multiplyByQuantizedMultiplier(wrapToInt32(acc), m.multiplier, m.shift);
                result[static_cast<std::size_t>((b * s.m + i) * s.n + j)] =
                    static_cast<std::int32_t>(std::clamp<std::int64_t>(
                        std::int64_t{scaled} + outQ.zeroPoint, limits.min, limits.max));
            }
    ctx.setOutput(0, narrowed(ctx, type, outputShape(s), result));
}

void batchMatmul(KernelContext& ctx) {
    const auto shape = matmulShape(ctx);
    switch (ctx.input(0).dtype()) {
    case DType::Float32:
        return matmulFloat(ctx, shape);
    case DType::Int8:
    case DType::Int16:
        return matmulInteger(ctx, shape);
    default:
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported (int8, int16, fp32)");
    }
}

} // namespace

void addMatmulKernels(KernelRegistry& registry) {
    registry.add("tflite.BATCH_MATMUL", batchMatmul);
}

} // namespace pteron::runtime::tflite
