// Indexing: index.Tensor (advanced indexing), index_put, index_select, gather, scatter, embedding,
// where and masked_fill. Every index is checked against the dimension it addresses.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/elementwise.hpp"
#include "runtime/kernels/aten/strided_copy.hpp"

#include <cstring>

namespace pteron::runtime::aten {

namespace {

std::vector<std::int64_t> indexValues(const KernelContext& ctx, const Tensor& index) {
    if (!isIntegralType(index.dtype(), false))
        ctx.fail("indices must be an integer tensor, given " + index.typeText());
    return elementsAs<std::int64_t>(index);
}

// Wraps a negative index and fails when it is outside [-size, size).
std::int64_t checkedIndex(const KernelContext& ctx, std::int64_t index, std::int64_t size,
                          std::size_t dim) {
    if (index < -size || index >= size)
        ctx.fail("index " + std::to_string(index) + " is out of bounds for dimension " +
                 std::to_string(dim) + " with size " + std::to_string(size));
    return index < 0 ? index + size : index;
}

void copyElement(std::byte* target, std::uint64_t to, const std::byte* source, std::uint64_t from,
                 std::size_t elementBytes) {
    std::memcpy(target + to * elementBytes, source + from * elementBytes, elementBytes);
}

// gather.out(self, dim, index, sparse_grad): out[i][j] = self[index[i][j]][j] along dim.
void gather(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto dim = normalizeDim(ctx, intArgument(ctx, 1), input.rank());
    const auto index = contiguousInput(ctx, 2);
    const auto indices = indexValues(ctx, index);
    const auto rank = std::max<std::size_t>(input.rank(), 1);
    if (index.rank() != input.rank() && !(index.rank() <= 1 && input.rank() <= 1))
        ctx.fail("index " + index.typeText() + " must have the rank of " + input.typeText());
    const Shape inShape = input.rank() ? input.shape() : Shape{1};
    const Shape idxShape = index.rank() ? index.shape() : Shape{1};
    for (std::size_t d = 0; d < rank; ++d)
        if (d != dim && idxShape[d] > inShape[d])
            ctx.fail("index " + index.typeText() + " is larger than " + input.typeText() +
                     " in dimension " + std::to_string(d));
    Tensor result(input.dtype(), index.shape());
    const auto elementBytes = runtimeElementBytes(input.dtype());
    const auto inStrides = contiguousStrides(inShape);
    const auto idxStrides = contiguousStrides(idxShape);
    const auto* in = input.bytes().data();
    auto* out = result.mutableBytes().data();
    for (std::size_t e = 0; e < indices.size(); ++e) {
        std::int64_t source = 0;
        auto rest = static_cast<std::int64_t>(e);
        for (std::size_t d = 0; d < rank; ++d) {
            auto coordinate = rest / idxStrides[d];
            rest %= idxStrides[d];
            if (d == dim) coordinate = checkedIndex(ctx, indices[e], inShape[d], d);
            source += coordinate * inStrides[d];
        }
        copyElement(out, e, in, static_cast<std::uint64_t>(source), elementBytes);
    }
    setResult(ctx, 0, std::move(result));
}

// scatter.value_out(self, dim, index, value) / scatter.src_out(self, dim, index, src) /
// scatter_add.out(self, dim, index, src).
void scatter(KernelContext& ctx, bool fromTensor, bool accumulate) {
    const auto input = contiguousInput(ctx, 0);
    const auto dim = normalizeDim(ctx, intArgument(ctx, 1), input.rank());
    const auto index = contiguousInput(ctx, 2);
    const auto indices = indexValues(ctx, index);
    const auto rank = std::max<std::size_t>(input.rank(), 1);
    if (index.rank() != input.rank() && !(index.rank() <= 1 && input.rank() <= 1))
        ctx.fail("index " + index.typeText() + " must have the rank of " + input.typeText());
    const Shape inShape = input.rank() ? input.shape() : Shape{1};
    const Shape idxShape = index.rank() ? index.shape() : Shape{1};
    Tensor source;
    if (fromTensor) {
        source = castTensor(contiguousInput(ctx, 3), input.dtype());
        const Shape srcShape = source.rank() ? source.shape() : Shape{1};
        if (srcShape.size() != rank)
            ctx.fail("src " + source.typeText() + " must have the rank of the input");
        for (std::size_t d = 0; d < rank; ++d)
            if (idxShape[d] > srcShape[d])
                ctx.fail("index " + index.typeText() + " is larger than src " + source.typeText());
    } else {
        source = scalarTensor(scalarArgument(ctx, 3), input.dtype());
    }
    for (std::size_t d = 0; d < rank; ++d)
        if (d != dim && idxShape[d] > inShape[d])
            ctx.fail("index " + index.typeText() + " is larger than " + input.typeText());
    const auto inStrides = contiguousStrides(inShape);
    const auto idxStrides = contiguousStrides(idxShape);
    const auto srcStrides = contiguousStrides(source.rank() ? source.shape() : Shape{1});
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        auto values = elementsAs<T>(input);
        const auto updates = elementsAs<T>(source);
        for (std::size_t e = 0; e < indices.size(); ++e) {
            std::int64_t target = 0, from = 0;
            auto rest = static_cast<std::int64_t>(e);
            for (std::size_t d = 0; d < rank; ++d) {
                const auto coordinate = rest / idxStrides[d];
                rest %= idxStrides[d];
                if (fromTensor) from += coordinate * srcStrides[d]; // a scalar has no strides
                target += (d == dim ? checkedIndex(ctx, indices[e], inShape[d], d) : coordinate) *
                          inStrides[d];
            }
            const T update = fromTensor ? updates[static_cast<std::size_t>(from)] : updates[0];
            auto& slot = values[static_cast<std::size_t>(target)];
            if (!accumulate)
                slot = update;
            else if constexpr (std::is_integral_v<T>)
                slot = static_cast<T>(static_cast<std::uint64_t>(slot) +
                                      static_cast<std::uint64_t>(update));
            else
                slot += update;
        }
        return tensorFrom<T>(input.dtype(), input.shape(), values);
    });
    setResult(ctx, 0, std::move(result));
}

// index_select.out(self, dim, index).
void indexSelect(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto dim = normalizeDim(ctx, intArgument(ctx, 1), input.rank());
    const auto index = contiguousInput(ctx, 2);
    if (index.rank() > 1)
        ctx.fail("index_select needs a 0-d or 1-d index, given " + index.typeText());
    const auto indices = indexValues(ctx, index);
    const Shape inShape = input.rank() ? input.shape() : Shape{1};
    Shape shape = inShape;
    shape[dim] = static_cast<std::int64_t>(indices.size());
    std::int64_t outer = 1, inner = 1;
    for (std::size_t d = 0; d < inShape.size(); ++d) {
        if (d < dim) outer *= inShape[d];
        if (d > dim) inner *= inShape[d];
    }
    Tensor result(input.dtype(), input.rank() ? shape : Shape{});
    const auto elementBytes = runtimeElementBytes(input.dtype());
    const auto* in = input.bytes().data();
    auto* out = result.mutableBytes().data();
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const auto row = checkedIndex(ctx, indices[i], inShape[dim], dim);
        for (std::int64_t o = 0; o < outer; ++o)
            std::memcpy(
                out + static_cast<std::uint64_t>((o * static_cast<std::int64_t>(indices.size()) +
                                                  static_cast<std::int64_t>(i)) *
                                                 inner) *
                          elementBytes,
                in + static_cast<std::uint64_t>((o * inShape[dim] + row) * inner) * elementBytes,
                static_cast<std::size_t>(inner) * elementBytes);
    }
    setResult(ctx, 0, std::move(result));
}

// embedding.out(weight, indices, padding_idx, scale_grad_by_freq, sparse): rows of weight.
void embedding(KernelContext& ctx) {
    const auto weight = contiguousInput(ctx, 0);
    const auto index = contiguousInput(ctx, 1);
    if (weight.rank() != 2) ctx.fail("embedding weight must be 2-d, given " + weight.typeText());
    const auto indices = indexValues(ctx, index);
    Shape shape = index.shape();
    shape.push_back(weight.dim(1));
    Tensor result(weight.dtype(), shape);
    const auto rowBytes =
        static_cast<std::size_t>(weight.dim(1)) * runtimeElementBytes(weight.dtype());
    const auto* in = weight.bytes().data();
    auto* out = result.mutableBytes().data();
    for (std::size_t i = 0; i < indices.size(); ++i) {
        if (indices[i] < 0 || indices[i] >= weight.dim(0))
            ctx.fail("index " + std::to_string(indices[i]) +
                     " is out of range for an embedding of " + std::to_string(weight.dim(0)) +
                     " rows");
        std::memcpy(out + i * rowBytes, in + static_cast<std::size_t>(indices[i]) * rowBytes,
                    rowBytes);
    }
    setResult(ctx, 0, std::move(result));
}

// where.self_out(condition, self, other), broadcast together.
void where(KernelContext& ctx) {
    const auto condition = contiguousInput(ctx, 0);
    const auto a = contiguousInput(ctx, 1);
    const auto b = contiguousInput(ctx, 2);
    const auto common = promoteTypes(a.dtype(), b.dtype());
    const auto shape = broadcastShapes(broadcastShapes(condition.shape(), a.shape()), b.shape());
    const auto out = outputType(ctx, 0, common);
    const auto flags = elementsAs<BoolByte>(condition);
    auto result = visitComputeType(computeTypeOf(common), [&]<typename T>() {
        const auto x = elementsAs<T>(a);
        const auto y = elementsAs<T>(b);
        std::vector<T> values(static_cast<std::size_t>(elementCountOf(shape)));
        const std::array<const Shape*, 3> inputs{&condition.shape(), &a.shape(), &b.shape()};
        forEachBroadcast<3>(shape, inputs, 0, static_cast<std::int64_t>(values.size()),
                            [&](std::int64_t o, const auto& at) {
                                values[static_cast<std::size_t>(o)] =
                                    flags[static_cast<std::size_t>(at[0])].value
                                        ? x[static_cast<std::size_t>(at[1])]
                                        : y[static_cast<std::size_t>(at[2])];
                            });
        return tensorFrom<T>(out, shape, values);
    });
    setResult(ctx, 0, std::move(result));
}

// masked_fill.Scalar_out(self, mask, value).
void maskedFill(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto mask = contiguousInput(ctx, 1);
    if (mask.dtype() != DType::Bool) ctx.fail("mask must be bool, given " + mask.typeText());
    if (broadcastShapes(input.shape(), mask.shape()) != input.shape())
        ctx.fail("mask " + mask.typeText() + " does not broadcast to " + input.typeText());
    const auto fill = scalarTensor(scalarArgument(ctx, 2), input.dtype());
    const auto flags = elementsAs<BoolByte>(mask);
    const auto elementBytes = runtimeElementBytes(input.dtype());
    Tensor result = input;
    auto* out = result.mutableBytes().data();
    const std::array<const Shape*, 1> inputs{&mask.shape()};
    forEachBroadcast<1>(input.shape(), inputs, 0, static_cast<std::int64_t>(input.elementCount()),
                        [&](std::int64_t o, const auto& at) {
                            if (flags[static_cast<std::size_t>(at[0])].value)
                                std::memcpy(out + static_cast<std::size_t>(o) * elementBytes,
                                            fill.bytes().data(), elementBytes);
                        });
    setResult(ctx, 0, std::move(result));
}

// Where advanced indexing reads: the indexed result's shape and, for each of its elements, the
// flat (contiguous) position in the input.
struct IndexPlan {
    Shape shape;
    std::vector<std::int64_t> sources;
    bool identity = false; // no index tensor at all: the input itself
};

// Integer or bool index tensors (bool masks select their true positions); None entries keep a
// whole dimension. Index dims go where the first indexed dim is when the indexed dims are
// adjacent, in front otherwise.
IndexPlan indexPlan(const KernelContext& ctx, const Tensor& input, std::size_t listPosition) {
    const auto list = tensorListArgument(ctx, listPosition);
    // Expand bool masks into one integer index tensor per masked dimension.
    std::vector<std::optional<std::vector<std::int64_t>>> perDim;
    std::vector<Shape> shapes;
    for (const auto* item : list) {
        if (!item) {
            perDim.emplace_back();
            shapes.emplace_back();
            continue;
        }
        const auto index = toContiguous(*item);
        if (index.dtype() == DType::Bool || index.dtype() == DType::UInt8) {
            const auto first = perDim.size();
            if (first + index.rank() > input.rank())
                ctx.fail("too many indices for " + input.typeText());
            for (std::size_t d = 0; d < index.rank(); ++d)
                if (index.dim(d) != input.dim(first + d))
                    ctx.fail("mask " + index.typeText() + " does not match " + input.typeText());
            const auto flags = elementsAs<BoolByte>(index);
            const auto strides = contiguousStrides(index.shape());
            std::vector<std::vector<std::int64_t>> coordinates(index.rank());
            for (std::size_t e = 0; e < flags.size(); ++e) {
                if (!flags[e].value) continue;
                auto rest = static_cast<std::int64_t>(e);
                for (std::size_t d = 0; d < index.rank(); ++d) {
                    coordinates[d].push_back(rest / strides[d]);
                    rest %= strides[d];
                }
            }
            for (auto& coordinate : coordinates) {
                shapes.push_back({static_cast<std::int64_t>(coordinate.size())});
                perDim.emplace_back(std::move(coordinate));
            }
            continue;
        }
        perDim.emplace_back(indexValues(ctx, index));
        shapes.push_back(index.shape());
    }
    if (perDim.size() > input.rank()) ctx.fail("too many indices for " + input.typeText());
    std::vector<std::size_t> advanced;
    Shape indexShape;
    for (std::size_t d = 0; d < perDim.size(); ++d)
        if (perDim[d]) {
            indexShape = advanced.empty() ? shapes[d] : broadcastShapes(indexShape, shapes[d]);
            advanced.push_back(d);
        }
    IndexPlan plan;
    if (advanced.empty()) {
        plan.identity = true;
        plan.shape = input.shape();
        return plan;
    }
    const bool adjacent = advanced.back() - advanced.front() + 1 == advanced.size();
    // Output dims: [before…, index dims, after…] when adjacent, else [index dims, rest…].
    std::vector<std::size_t> sliceDims;
    for (std::size_t d = 0; d < input.rank(); ++d)
        if (d >= perDim.size() || !perDim[d]) sliceDims.push_back(d);
    const std::size_t insertAt =
        adjacent ? static_cast<std::size_t>(
                       std::count_if(sliceDims.begin(), sliceDims.end(),
                                     [&](std::size_t d) { return d < advanced.front(); }))
                 : 0;
    Shape& shape = plan.shape;
    for (std::size_t i = 0; i < sliceDims.size(); ++i) {
        if (i == insertAt) shape.insert(shape.end(), indexShape.begin(), indexShape.end());
        shape.push_back(input.dim(sliceDims[i]));
    }
    if (insertAt == sliceDims.size())
        shape.insert(shape.end(), indexShape.begin(), indexShape.end());
    const auto inStrides = contiguousStrides(input.shape());
    const auto outStrides = contiguousStrides(shape);
    const auto indexCount = elementCountOf(indexShape);
    std::vector<std::vector<std::int64_t>> broadcastIndex(advanced.size());
    for (std::size_t k = 0; k < advanced.size(); ++k) {
        const auto& values = *perDim[advanced[k]];
        const auto& own = shapes[advanced[k]];
        const std::array<const Shape*, 1> inputs{&own};
        broadcastIndex[k].resize(static_cast<std::size_t>(indexCount));
        forEachBroadcast<1>(indexShape, inputs, 0, static_cast<std::int64_t>(indexCount),
                            [&](std::int64_t o, const auto& at) {
                                broadcastIndex[k][static_cast<std::size_t>(o)] =
                                    checkedIndex(ctx, values[static_cast<std::size_t>(at[0])],
                                                 input.dim(advanced[k]), advanced[k]);
                            });
    }
    const auto indexRank = indexShape.size();
    const auto count = elementCountOf(shape);
    plan.sources.resize(static_cast<std::size_t>(count));
    std::vector<std::int64_t> coordinate(shape.size());
    for (std::uint64_t e = 0; e < count; ++e) {
        auto rest = static_cast<std::int64_t>(e);
        for (std::size_t d = 0; d < shape.size(); ++d) {
            coordinate[d] = rest / outStrides[d];
            rest %= outStrides[d];
        }
        std::int64_t flatIndex = 0;
        std::int64_t indexStride = 1;
        for (std::size_t d = indexRank; d-- > 0;) {
            flatIndex += coordinate[insertAt + d] * indexStride;
            indexStride *= indexShape[d];
        }
        std::int64_t source = 0;
        for (std::size_t k = 0; k < advanced.size(); ++k)
            source +=
                broadcastIndex[k][static_cast<std::size_t>(flatIndex)] * inStrides[advanced[k]];
        for (std::size_t i = 0; i < sliceDims.size(); ++i) {
            const auto position = i < insertAt ? i : i + indexRank;
            source += coordinate[position] * inStrides[sliceDims[i]];
        }
        plan.sources[static_cast<std::size_t>(e)] = source;
    }
    return plan;
}

// index.Tensor_out(self, indices: Tensor?[]).
void advancedIndex(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto plan = indexPlan(ctx, input, 1);
    if (plan.identity) {
        setResult(ctx, 0, input);
        return;
    }
    Tensor result(input.dtype(), plan.shape);
    const auto elementBytes = runtimeElementBytes(input.dtype());
    const auto* in = input.bytes().data();
    auto* out = result.mutableBytes().data();
    for (std::size_t e = 0; e < plan.sources.size(); ++e)
        copyElement(out, e, in, static_cast<std::uint64_t>(plan.sources[e]), elementBytes);
    setResult(ctx, 0, std::move(result));
}

// index_put.out(self, indices: Tensor?[], values, accumulate): a copy of self whose indexed
// positions take values (broadcast to the indexed shape), or add them when accumulating; with
// repeated positions the last write wins, or every value adds in index order.
void indexPut(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto values = contiguousInput(ctx, 2);
    const bool accumulate = hasArgument(ctx, 3) && boolArgument(ctx, 3);
    const auto plan = indexPlan(ctx, input, 1);
    const Shape& shape = plan.shape;
    if (values.rank() > shape.size())
        ctx.fail("values " + values.typeText() + " do not broadcast to the indexed shape " +
                 shapeText(shape));
    for (std::size_t d = 0; d < values.rank(); ++d) {
        const auto own = values.dim(values.rank() - 1 - d);
        if (own != 1 && own != shape[shape.size() - 1 - d])
            ctx.fail("values " + values.typeText() + " do not broadcast to the indexed shape " +
                     shapeText(shape));
    }
    const auto count = static_cast<std::int64_t>(elementCountOf(shape));
    const Shape valueShape = values.shape();
    const std::array<const Shape*, 1> operands{&valueShape};
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        auto target = elementsAs<T>(input);
        const auto source = elementsAs<T>(values);
        forEachBroadcast<1>(shape, operands, 0, count, [&](std::int64_t e, const auto& at) {
            const auto position = plan.identity ? e : plan.sources[static_cast<std::size_t>(e)];
            auto& slot = target[static_cast<std::size_t>(position)];
            const T value = source[static_cast<std::size_t>(at[0])];
            slot = accumulate ? static_cast<T>(slot + value) : value;
        });
        return tensorFrom<T>(input.dtype(), input.shape(), target);
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addIndexingKernels(KernelRegistry& registry) {
    registry.add("aten::gather.out", gather);
    registry.add("aten::scatter.value_out", [](KernelContext& ctx) { scatter(ctx, false, false); });
    registry.add("aten::scatter.src_out", [](KernelContext& ctx) { scatter(ctx, true, false); });
    registry.add("aten::scatter_add.out", [](KernelContext& ctx) { scatter(ctx, true, true); });
    registry.add("aten::index_select.out", indexSelect);
    registry.add("aten::embedding.out", embedding);
    registry.add("aten::where.self_out", where);
    registry.add("aten::masked_fill.Scalar_out", maskedFill);
    registry.add("aten::index.Tensor_out", advancedIndex);
    registry.add("aten::index_put.out", indexPut);
}

} // namespace pteron::runtime::aten
