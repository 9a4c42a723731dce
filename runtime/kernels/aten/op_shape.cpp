// Layout operators that move or copy elements without arithmetic: view_copy, permute_copy,
// expand_copy, squeeze/unsqueeze, transpose, slice, select, split, unbind, flip, repeat,
// constant_pad_nd, clone, alias_copy and _to_copy.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"
#include "runtime/kernels/aten/strided_copy.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::runtime::aten {

namespace {

// A size list with at most one -1, resolved against `elements`.
Shape resolveSize(const KernelContext& ctx, std::vector<std::int64_t> size,
                  std::uint64_t elements) {
    std::int64_t known = 1;
    std::size_t inferred = size.size();
    for (std::size_t i = 0; i < size.size(); ++i) {
        if (size[i] == -1) {
            if (inferred != size.size()) ctx.fail("view size has more than one -1");
            inferred = i;
        } else if (size[i] < 0) {
            ctx.fail("view size " + shapeText(size) + " has a negative dimension");
        } else {
            known *= size[i];
        }
    }
    if (inferred != size.size()) {
        if (known == 0 || elements % static_cast<std::uint64_t>(known) != 0)
            ctx.fail("cannot view " + std::to_string(elements) + " elements as " + shapeText(size));
        size[inferred] = static_cast<std::int64_t>(elements / static_cast<std::uint64_t>(known));
    }
    if (elementCountOf(size) != elements)
        ctx.fail("cannot view " + std::to_string(elements) + " elements as " + shapeText(size));
    return size;
}

void viewCopy(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto shape = resolveSize(ctx, intListArgument(ctx, 1), input.elementCount());
    setResult(ctx, 0, input.reshaped(shape));
}

Tensor permuted(const KernelContext& ctx, const Tensor& input,
                const std::vector<std::int64_t>& dims) {
    if (dims.size() != input.rank())
        ctx.fail("permutation " + shapeText(dims) + " does not fit " + input.typeText());
    const auto strides = contiguousStrides(input.shape());
    Shape shape(dims.size());
    std::vector<std::int64_t> viewStrides(dims.size());
    std::vector<bool> seen(dims.size(), false);
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const auto d = normalizeDim(ctx, dims[i], input.rank());
        if (seen[d]) ctx.fail("permutation " + shapeText(dims) + " repeats a dimension");
        seen[d] = true;
        shape[i] = input.dim(d);
        viewStrides[i] = strides[d];
    }
    return stridedCopy(input, shape, viewStrides, 0);
}

void expandCopy(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    auto size = intListArgument(ctx, 1);
    if (size.size() < input.rank())
        ctx.fail("cannot expand " + input.typeText() + " to " + shapeText(size));
    const auto offset = size.size() - input.rank();
    const auto strides = contiguousStrides(input.shape());
    std::vector<std::int64_t> viewStrides(size.size(), 0);
    for (std::size_t i = 0; i < size.size(); ++i) {
        if (i < offset) {
            if (size[i] < 0) ctx.fail("cannot expand to " + shapeText(size));
            continue;
        }
        const auto have = input.dim(i - offset);
        if (size[i] == -1) size[i] = have;
        if (have == size[i])
            viewStrides[i] = strides[i - offset];
        else if (have != 1 || size[i] < 0)
            ctx.fail("cannot expand " + input.typeText() + " to " + shapeText(size));
    }
    setResult(ctx, 0, stridedCopy(input, size, viewStrides, 0));
}

void squeezeDims(KernelContext& ctx, std::vector<std::int64_t> dims, bool all) {
    const auto input = contiguousInput(ctx, 0);
    std::vector<bool> drop(input.rank(), false);
    for (std::size_t d = 0; d < input.rank(); ++d)
        drop[d] = all && input.dim(d) == 1;
    for (const auto dim : dims) {
        if (input.rank() == 0) {
            normalizeDim(ctx, dim, 0);
            continue;
        }
        const auto d = normalizeDim(ctx, dim, input.rank());
        drop[d] = input.dim(d) == 1;
    }
    Shape shape;
    for (std::size_t d = 0; d < input.rank(); ++d)
        if (!drop[d]) shape.push_back(input.dim(d));
    setResult(ctx, 0, input.reshaped(shape));
}

void unsqueeze(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto dim = normalizeDim(ctx, intArgument(ctx, 1), input.rank() + 1);
    auto shape = input.shape();
    shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(dim), 1);
    setResult(ctx, 0, input.reshaped(shape));
}

void transpose(KernelContext& ctx, std::int64_t first, std::int64_t second) {
    const auto input = contiguousInput(ctx, 0);
    std::vector<std::int64_t> dims(input.rank());
    for (std::size_t i = 0; i < dims.size(); ++i)
        dims[i] = static_cast<std::int64_t>(i);
    if (input.rank() > 0) {
        std::swap(dims[normalizeDim(ctx, first, input.rank())],
                  dims[normalizeDim(ctx, second, input.rank())]);
    } else {
        normalizeDim(ctx, first, 0);
        normalizeDim(ctx, second, 0);
    }
    setResult(ctx, 0, permuted(ctx, input, dims));
}

// slice_copy.Tensor_out(self, dim, start?, end?, step): Python slice semantics, clamped.
void sliceCopy(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    if (input.rank() == 0) ctx.fail("cannot slice a 0-d tensor");
    const auto dim = normalizeDim(ctx, hasArgument(ctx, 1) ? intArgument(ctx, 1) : 0, input.rank());
    const auto length = input.dim(dim);
    auto start = hasArgument(ctx, 2) ? intArgument(ctx, 2) : 0;
    auto end = hasArgument(ctx, 3) ? intArgument(ctx, 3) : length;
    const auto step = hasArgument(ctx, 4) ? intArgument(ctx, 4) : 1;
    if (step <= 0) ctx.fail("slice step must be positive, given " + std::to_string(step));
    if (start < 0) start = std::max<std::int64_t>(0, start + length);
    if (end < 0) end = std::max<std::int64_t>(0, end + length);
    start = std::min(start, length);
    end = std::min(end, length);
    const auto count = end > start ? (end - start + step - 1) / step : 0;
    auto shape = input.shape();
    shape[dim] = count;
    auto strides = contiguousStrides(input.shape());
    const auto base = start * strides[dim];
    strides[dim] *= step;
    setResult(ctx, 0, stridedCopy(input, shape, strides, count ? base : 0));
}

Tensor selectOne(const KernelContext& ctx, const Tensor& input, std::size_t dim,
                 std::int64_t index) {
    const auto length = input.dim(dim);
    if (index < -length || index >= length)
        ctx.fail("index " + std::to_string(index) + " is out of range for dimension " +
                 std::to_string(dim) + " of " + input.typeText());
    if (index < 0) index += length;
    auto shape = input.shape();
    auto strides = contiguousStrides(input.shape());
    const auto base = index * strides[dim];
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(dim));
    strides.erase(strides.begin() + static_cast<std::ptrdiff_t>(dim));
    return stridedCopy(input, shape, strides, base);
}

void selectCopy(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    if (input.rank() == 0) ctx.fail("cannot select from a 0-d tensor");
    const auto dim = normalizeDim(ctx, intArgument(ctx, 1), input.rank());
    setResult(ctx, 0, selectOne(ctx, input, dim, intArgument(ctx, 2)));
}

// Pieces of `input` along `dim` with the given sizes, to outputs 0, 1, …
void splitInto(KernelContext& ctx, const Tensor& input, std::size_t dim,
               const std::vector<std::int64_t>& sizes) {
    if (sizes.size() != ctx.outputCount())
        ctx.fail("splits into " + std::to_string(sizes.size()) + " pieces but has " +
                 std::to_string(ctx.outputCount()) + " outputs");
    std::int64_t total = 0;
    for (const auto size : sizes) {
        if (size < 0) ctx.fail("split size " + std::to_string(size) + " is negative");
        total += size;
    }
    if (total != input.dim(dim))
        ctx.fail("split sizes " + shapeText(sizes) + " do not add up to " + input.typeText());
    const auto strides = contiguousStrides(input.shape());
    std::int64_t start = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        auto shape = input.shape();
        shape[dim] = sizes[i];
        setResult(ctx, i, stridedCopy(input, shape, strides, sizes[i] ? start * strides[dim] : 0));
        start += sizes[i];
    }
}

void splitWithSizes(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    if (input.rank() == 0) ctx.fail("cannot split a 0-d tensor");
    const auto dim = normalizeDim(ctx, hasArgument(ctx, 2) ? intArgument(ctx, 2) : 0, input.rank());
    splitInto(ctx, input, dim, intListArgument(ctx, 1));
}

void splitEvenly(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    if (input.rank() == 0) ctx.fail("cannot split a 0-d tensor");
    const auto size = intArgument(ctx, 1);
    const auto dim = normalizeDim(ctx, hasArgument(ctx, 2) ? intArgument(ctx, 2) : 0, input.rank());
    if (size <= 0 && input.dim(dim) > 0) ctx.fail("split size must be positive");
    std::vector<std::int64_t> sizes;
    for (std::int64_t left = input.dim(dim); left > 0; left -= size)
        sizes.push_back(std::min(size, left));
    if (sizes.empty()) sizes.push_back(0);
    splitInto(ctx, input, dim, sizes);
}

void unbind(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    if (input.rank() == 0) ctx.fail("cannot unbind a 0-d tensor");
    const auto dim = normalizeDim(ctx, hasArgument(ctx, 1) ? intArgument(ctx, 1) : 0, input.rank());
    if (static_cast<std::int64_t>(ctx.outputCount()) != input.dim(dim))
        ctx.fail("unbinds into " + std::to_string(input.dim(dim)) + " tensors but has " +
                 std::to_string(ctx.outputCount()) + " outputs");
    for (std::int64_t i = 0; i < input.dim(dim); ++i)
        setResult(ctx, static_cast<std::size_t>(i), selectOne(ctx, input, dim, i));
}

void flip(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    auto strides = contiguousStrides(input.shape());
    std::int64_t base = 0;
    std::vector<bool> flipped(input.rank(), false);
    for (const auto dim : intListArgument(ctx, 1)) {
        const auto d = normalizeDim(ctx, dim, input.rank());
        if (input.rank() == 0) continue;
        if (flipped[d]) ctx.fail("flip repeats dimension " + std::to_string(dim));
        flipped[d] = true;
        if (input.dim(d) > 0) base += (input.dim(d) - 1) * strides[d];
        strides[d] = -strides[d];
    }
    setResult(ctx, 0, stridedCopy(input, input.shape(), strides, input.elementCount() ? base : 0));
}

void repeat(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto repeats = intListArgument(ctx, 1);
    if (repeats.size() < input.rank())
        ctx.fail("repeat needs at least " + std::to_string(input.rank()) + " counts");
    // View as [r0, d0, r1, d1, …] with stride 0 on the repeat axes, then merge pairs.
    const auto offset = repeats.size() - input.rank();
    Shape inputShape(offset, 1);
    inputShape.insert(inputShape.end(), input.shape().begin(), input.shape().end());
    const auto strides = contiguousStrides(inputShape);
    Shape viewShape, result;
    std::vector<std::int64_t> viewStrides;
    for (std::size_t i = 0; i < repeats.size(); ++i) {
        if (repeats[i] < 0) ctx.fail("repeat count " + std::to_string(repeats[i]) + " is negative");
        viewShape.push_back(repeats[i]);
        viewStrides.push_back(0);
        viewShape.push_back(inputShape[i]);
        viewStrides.push_back(strides[i]);
        result.push_back(repeats[i] * inputShape[i]);
    }
    elementCountOf(result);
    setResult(ctx, 0, stridedCopy(input, viewShape, viewStrides, 0).reshaped(result));
}

// constant_pad_nd.out(self, pad[], value): pad pairs start at the last dimension; negative
// pads crop.
void constantPad(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto pad = intListArgument(ctx, 1);
    if (pad.size() % 2 != 0 || pad.size() / 2 > input.rank())
        ctx.fail("padding " + shapeText(pad) + " does not fit " + input.typeText());
    Shape shape = input.shape();
    std::vector<std::int64_t> before(input.rank(), 0);
    for (std::size_t i = 0; i < pad.size() / 2; ++i) {
        const auto d = input.rank() - 1 - i;
        before[d] = pad[2 * i];
        shape[d] += pad[2 * i] + pad[2 * i + 1];
        if (shape[d] < 0) ctx.fail("padding " + shapeText(pad) + " leaves a negative size");
    }
    const auto value =
        hasArgument(ctx, 2) ? scalarArgument(ctx, 2) : AttributeValue(std::int64_t{0});
    auto result = scalarTensor(value, input.dtype());
    const auto count = elementCountOf(shape);
    const auto elementBytes = runtimeElementBytes(input.dtype());
    Tensor output(input.dtype(), shape);
    auto* out = output.mutableBytes().data();
    const auto* fill = result.bytes().data();
    for (std::uint64_t i = 0; i < count; ++i)
        std::memcpy(out + i * elementBytes, fill, elementBytes);
    // Copy every input element that lands inside the output.
    const auto inStrides = contiguousStrides(input.shape());
    const auto outStrides = contiguousStrides(shape);
    const auto* in = input.bytes().data();
    for (std::uint64_t e = 0; e < input.elementCount(); ++e) {
        std::int64_t target = 0;
        bool inside = true;
        auto rest = static_cast<std::int64_t>(e);
        for (std::size_t d = 0; d < input.rank(); ++d) {
            const auto coordinate = rest / inStrides[d] + before[d];
            rest %= inStrides[d];
            if (coordinate < 0 || coordinate >= shape[d]) {
                inside = false;
                break;
            }
            target += coordinate * outStrides[d];
        }
        if (inside)
            std::memcpy(out + static_cast<std::size_t>(target) * elementBytes,
                        in + e * elementBytes, elementBytes);
    }
    setResult(ctx, 0, std::move(output));
}

// clone, alias_copy, _to_copy, detach_copy, lift_fresh_copy: the input, converted to the out
// tensor's type and dim order by setResult.
void copyThrough(KernelContext& ctx) {
    setResult(ctx, 0, contiguousInput(ctx, 0));
}

} // namespace

void addShapeKernels(KernelRegistry& registry) {
    registry.add("aten::view_copy.out", viewCopy);
    registry.add("aten::_unsafe_view.out", viewCopy);
    registry.add("aten::reshape.out", viewCopy);
    registry.add("aten::permute_copy.out", [](KernelContext& ctx) {
        const auto input = contiguousInput(ctx, 0);
        setResult(ctx, 0, permuted(ctx, input, intListArgument(ctx, 1)));
    });
    registry.add("aten::expand_copy.out", expandCopy);
    registry.add("aten::squeeze_copy.dim_out",
                 [](KernelContext& ctx) { squeezeDims(ctx, {intArgument(ctx, 1)}, false); });
    registry.add("aten::squeeze_copy.dims_out",
                 [](KernelContext& ctx) { squeezeDims(ctx, intListArgument(ctx, 1), false); });
    registry.add("aten::squeeze_copy.out", [](KernelContext& ctx) { squeezeDims(ctx, {}, true); });
    registry.add("aten::unsqueeze_copy.out", unsqueeze);
    registry.add("aten::transpose_copy.int_out", [](KernelContext& ctx) {
        transpose(ctx, intArgument(ctx, 1), intArgument(ctx, 2));
    });
    registry.add("aten::t_copy.out", [](KernelContext& ctx) {
        if (tensorArgument(ctx, 0).rank() > 2)
            ctx.fail("t expects a tensor of at most 2 dimensions");
        if (tensorArgument(ctx, 0).rank() < 2) return copyThrough(ctx);
        transpose(ctx, 0, 1);
    });
    registry.add("aten::slice_copy.Tensor_out", sliceCopy);
    registry.add("aten::select_copy.int_out", selectCopy);
    registry.add("aten::split_with_sizes_copy.out", splitWithSizes);
    registry.add("aten::split_copy.Tensor_out", splitEvenly);
    registry.add("aten::unbind_copy.int_out", unbind);
    registry.add("aten::flip.out", flip);
    registry.add("aten::repeat.out", repeat);
    registry.add("aten::constant_pad_nd.out", constantPad);
    for (const char* name : {"aten::clone.out", "aten::alias_copy.out", "aten::_to_copy.out",
                             "aten::detach_copy.out", "aten::lift_fresh_copy.out"})
        registry.add(name, copyThrough);
}

} // namespace pteron::runtime::aten
