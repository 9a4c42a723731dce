// Data-movement operators that keep element values: RESHAPE, SQUEEZE, EXPAND_DIMS,
// CONCATENATION, PAD/PADV2, TRANSPOSE, STRIDED_SLICE. They copy elements of any byte width.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"
#include "runtime/tensor_elements.hpp"

#include <cstring>

namespace pteron::runtime::tflite {

namespace {

std::size_t elementBytes(const KernelContext& ctx, const Tensor& tensor) {
    const auto bytes = runtimeElementBytes(tensor.dtype());
    if (bytes == 0) ctx.fail("element type " + tensor.typeText() + " cannot be moved");
    return bytes;
}

// An integer tensor operand (int32 or int64) as int64 values.
std::vector<std::int64_t> integerOperand(const KernelContext& ctx, std::size_t index) {
    const auto& tensor = ctx.input(index);
    if (tensor.dtype() != DType::Int32 && tensor.dtype() != DType::Int64)
        ctx.fail("operand " + std::to_string(index) + " must be int32 or int64, given " +
                 tensor.typeText());
    std::vector<std::int64_t> values(tensor.elementCount());
    for (std::uint64_t i = 0; i < tensor.elementCount(); ++i)
        values[i] = elementAsInt(tensor, i);
    return values;
}

std::int64_t normalisedAxis(const KernelContext& ctx, std::int64_t axis, std::size_t rank) {
    const auto r = static_cast<std::int64_t>(rank);
    if (axis < -r || axis >= r)
        ctx.fail("axis " + std::to_string(axis) + " is outside a rank-" + std::to_string(rank) +
                 " tensor");
    return axis < 0 ? axis + r : axis;
}

// The declared output shape when fully known, else `requested` with one -1 resolved.
Shape resolvedShape(const KernelContext& ctx, Shape requested, std::uint64_t elements) {
    std::int64_t known = 1;
    std::size_t unknown = requested.size();
    for (std::size_t i = 0; i < requested.size(); ++i) {
        if (requested[i] == -1 && unknown == requested.size()) {
            unknown = i;
        } else if (requested[i] < 0) {
            ctx.fail("reshape target " + shapeText(requested) + " is not valid");
        } else {
            known *= requested[i];
            if (known > (std::int64_t{1} << 40)) ctx.fail("reshape target is too large");
        }
    }
    if (unknown < requested.size()) {
        if (known == 0 || elements % static_cast<std::uint64_t>(known) != 0)
            ctx.fail("cannot infer a dimension of " + shapeText(requested));
        requested[unknown] =
            static_cast<std::int64_t>(elements / static_cast<std::uint64_t>(known));
    }
    return requested;
}

void reshape(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    Shape target;
    const auto& declared = ctx.outputValue(0);
    if (ctx.hasInput(1) && ctx.input(1).rank() == 1)
        target = integerOperand(ctx, 1);
    else if (const auto* attribute = ctx.attribute("new_shape"))
        target = std::get_if<std::vector<std::int64_t>>(attribute)
                     ? std::get<std::vector<std::int64_t>>(*attribute)
                     : Shape{};
    else
        target = declared.shape;
    target = resolvedShape(ctx, target, input.elementCount());
    if (elementCountOf(target) != input.elementCount() && declared.hasShape)
        target = resolvedShape(ctx, declared.shape, input.elementCount());
    if (elementCountOf(target) != input.elementCount())
        ctx.fail("cannot reshape " + input.typeText() + " to " + shapeText(target));
    ctx.setOutput(0, input.reshaped(target));
}

void squeeze(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto dims = ctx.intsAttribute("squeeze_dims", {});
    Shape target;
    for (std::size_t d = 0; d < input.rank(); ++d) {
        bool listed = dims.empty() && input.dim(d) == 1;
        for (const auto axis : dims)
            listed =
                listed || normalisedAxis(ctx, axis, input.rank()) == static_cast<std::int64_t>(d);
        if (listed && input.dim(d) != 1)
            ctx.fail("cannot squeeze axis " + std::to_string(d) + " of " + input.typeText());
        if (!listed) target.push_back(input.dim(d));
    }
    ctx.setOutput(0, input.reshaped(target));
}

void expandDims(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto axes = integerOperand(ctx, 1);
    if (axes.size() != 1) ctx.fail("EXPAND_DIMS takes one axis");
    const auto axis = normalisedAxis(ctx, axes[0], input.rank() + 1);
    Shape target = input.shape();
    target.insert(target.begin() + axis, 1);
    ctx.setOutput(0, input.reshaped(target));
}

void concatenation(KernelContext& ctx) {
    const auto& first = ctx.input(0);
    const auto axis = normalisedAxis(ctx, ctx.intAttribute("axis", 0), first.rank());
    Shape shape = first.shape();
    shape[static_cast<std::size_t>(axis)] = 0;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i) {
        const auto& input = ctx.input(i);
        if (input.dtype() != first.dtype() || input.rank() != first.rank())
            ctx.fail("inputs must share type and rank, given " + first.typeText() + " and " +
                     input.typeText());
        for (std::size_t d = 0; d < input.rank(); ++d)
            if (d != static_cast<std::size_t>(axis) && input.dim(d) != first.dim(d))
                ctx.fail("inputs differ outside the axis: " + first.typeText() + " and " +
                         input.typeText());
        shape[static_cast<std::size_t>(axis)] += input.dim(static_cast<std::size_t>(axis));
    }
    const auto bytes = elementBytes(ctx, first);
    std::int64_t outer = 1, inner = static_cast<std::int64_t>(bytes);
    for (std::int64_t d = 0; d < axis; ++d)
        outer *= shape[static_cast<std::size_t>(d)];
    for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < shape.size(); ++d)
        inner *= shape[d];
    Tensor out(first.dtype(), shape);
    auto* target = out.mutableBytes().data();
    const std::int64_t rowBytes = shape[static_cast<std::size_t>(axis)] * inner;
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i) {
        const auto& input = ctx.input(i);
        const std::int64_t chunk = input.dim(static_cast<std::size_t>(axis)) * inner;
        const auto* source = input.bytes().data();
        for (std::int64_t o = 0; o < outer; ++o)
            std::memcpy(target + o * rowBytes + offset, source + o * chunk,
                        static_cast<std::size_t>(chunk));
        offset += chunk;
    }
    ctx.setOutput(0, std::move(out));
}

// Copies `input` into `out` at per-axis offsets `before` (same rank), row by row.
void placeInto(const Tensor& input, Tensor& out, const std::vector<std::int64_t>& before,
               std::size_t bytes) {
    const std::size_t rank = input.rank();
    if (input.elementCount() == 0) return;
    const auto* source = input.bytes().data();
    auto* target = out.mutableBytes().data();
    const std::int64_t rowBytes =
        (rank ? input.dim(rank - 1) : 1) * static_cast<std::int64_t>(bytes);
    const std::uint64_t rows =
        rank ? input.elementCount() / static_cast<std::uint64_t>(input.dim(rank - 1)) : 1;
    std::vector<std::int64_t> index(rank, 0);
    for (std::uint64_t row = 0; row < rows; ++row) {
        std::int64_t offset = 0;
        for (std::size_t d = 0; d < rank; ++d)
            offset = offset * out.dim(d) + index[d] + before[d];
        std::memcpy(target + offset * static_cast<std::int64_t>(bytes),
                    source + row * static_cast<std::uint64_t>(rowBytes),
                    static_cast<std::size_t>(rowBytes));
        for (std::size_t d = rank - 1; d-- > 0;) {
            if (++index[d] < input.dim(d)) break;
            index[d] = 0;
        }
    }
}

void pad(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto paddings = integerOperand(ctx, 1);
    const std::size_t rank = input.rank();
    if (paddings.size() != rank * 2) ctx.fail("paddings must be [" + std::to_string(rank) + ", 2]");
    Shape shape(rank);
    std::vector<std::int64_t> before(rank);
    for (std::size_t d = 0; d < rank; ++d) {
        if (paddings[2 * d] < 0 || paddings[2 * d + 1] < 0 || paddings[2 * d] > (1 << 24) ||
            paddings[2 * d + 1] > (1 << 24))
            ctx.fail("paddings must be non-negative and reasonable");
        before[d] = paddings[2 * d];
        shape[d] = input.dim(d) + paddings[2 * d] + paddings[2 * d + 1];
    }
    Tensor out(input.dtype(), shape);
    double fill = 0;
    if (ctx.hasInput(2))
        fill = elementAsDouble(ctx.input(2), 0);
    else if (isIntegerType(input.dtype()))
        fill = static_cast<double>(outputQuantization(ctx, 0).zeroPoint);
    if (fill != 0)
        for (std::uint64_t i = 0; i < out.elementCount(); ++i)
            setElement(out, i, fill);
    placeInto(input, out, before, elementBytes(ctx, input));
    ctx.setOutput(0, std::move(out));
}

void transpose(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto perm = integerOperand(ctx, 1);
    const std::size_t rank = input.rank();
    if (perm.size() != rank) ctx.fail("perm must have one entry per axis");
    Shape shape(rank);
    std::vector<std::int64_t> inputStrides(rank, 1);
    for (std::size_t d = rank; d-- > 1;)
        inputStrides[d - 1] = inputStrides[d] * input.dim(d);
    std::vector<bool> seen(rank, false);
    std::vector<std::int64_t> strides(rank);
    for (std::size_t d = 0; d < rank; ++d) {
        const auto axis = static_cast<std::size_t>(normalisedAxis(ctx, perm[d], rank));
        if (seen[axis]) ctx.fail("perm repeats an axis");
        seen[axis] = true;
        shape[d] = input.dim(axis);
        strides[d] = inputStrides[axis];
    }
    const auto bytes = elementBytes(ctx, input);
    Tensor out(input.dtype(), shape);
    const auto* source = input.bytes().data();
    auto* target = out.mutableBytes().data();
    std::vector<std::int64_t> index(rank, 0);
    std::int64_t from = 0;
    for (std::uint64_t i = 0; i < out.elementCount(); ++i) {
        std::memcpy(target + i * bytes, source + static_cast<std::uint64_t>(from) * bytes, bytes);
        for (std::size_t d = rank; d-- > 0;) {
            from += strides[d];
            if (++index[d] < shape[d]) break;
            from -= strides[d] * shape[d];
            index[d] = 0;
        }
    }
    ctx.setOutput(0, std::move(out));
}

void stridedSlice(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const std::size_t rank = input.rank();
    // Indices far beyond any tensor mean "to the end"; clamping them keeps the sums exact.
    const auto bounded = [&](std::size_t index) {
        auto values = integerOperand(ctx, index);
        for (auto& v : values)
            v = std::clamp<std::int64_t>(v, -(std::int64_t{1} << 40), std::int64_t{1} << 40);
        return values;
    };
    const auto begin = bounded(1);
    const auto end = bounded(2);
    const auto strides = ctx.hasInput(3) ? bounded(3) : std::vector<std::int64_t>(rank, 1);
    if (begin.size() != rank || end.size() != rank || strides.size() != rank)
        ctx.fail("begin, end and strides must have one entry per axis");
    if (ctx.intAttribute("ellipsis_mask", 0) != 0 || ctx.intAttribute("new_axis_mask", 0) != 0)
        ctx.fail("ellipsis and new-axis masks are not supported");
    const auto beginMask = ctx.intAttribute("begin_mask", 0);
    const auto endMask = ctx.intAttribute("end_mask", 0);
    const auto shrinkMask = ctx.intAttribute("shrink_axis_mask", 0);
    const bool offset = ctx.boolAttribute("offset", false);
    std::vector<std::int64_t> starts(rank), counts(rank);
    Shape shape;
    for (std::size_t d = 0; d < rank; ++d) {
        const std::int64_t size = input.dim(d);
        const std::int64_t stride = strides[d];
        if (stride == 0) ctx.fail("strides must not be 0");
        const bool bit = d < 63;
        std::int64_t start = begin[d];
        if (bit && (beginMask >> d) & 1) start = stride > 0 ? 0 : size - 1;
        if (start < 0) start += size;
        start = stride > 0 ? std::clamp<std::int64_t>(start, 0, size)
                           : std::clamp<std::int64_t>(start, -1, size - 1);
        std::int64_t stop = offset ? begin[d] + end[d] : end[d];
        const bool shrink = bit && (shrinkMask >> d) & 1;
        if (shrink) {
            stop = start + 1;
        } else {
            if (bit && (endMask >> d) & 1)
                stop = stride > 0 ? size : -1;
            else if (stop < 0)
                stop += size;
            stop = stride > 0 ? std::clamp<std::int64_t>(stop, 0, size)
                              : std::clamp<std::int64_t>(stop, -1, size - 1);
        }
        std::int64_t count = stride > 0 ? (stop - start + stride - 1) / stride
                                        : (start - stop - stride - 1) / -stride;
        count = std::max<std::int64_t>(count, 0);
        starts[d] = start;
        counts[d] = count;
        if (!shrink) shape.push_back(count);
    }
    const auto bytes = elementBytes(ctx, input);
    Tensor out(input.dtype(), shape);
    const std::uint64_t total = elementCountOf(Shape(counts.begin(), counts.end()));
    const auto* source = input.bytes().data();
    auto* target = out.mutableBytes().data();
    std::vector<std::int64_t> index(rank, 0);
    for (std::uint64_t i = 0; i < total; ++i) {
        std::int64_t from = 0;
        for (std::size_t d = 0; d < rank; ++d)
            from = from * input.dim(d) + starts[d] + index[d] * strides[d];
        std::memcpy(target + i * bytes, source + static_cast<std::uint64_t>(from) * bytes, bytes);
        for (std::size_t d = rank; d-- > 0;) {
            if (++index[d] < counts[d]) break;
            index[d] = 0;
        }
    }
    ctx.setOutput(0, std::move(out));
}

} // namespace

void addShapeKernels(KernelRegistry& registry) {
    registry.add("tflite.RESHAPE", reshape);
    registry.add("tflite.SQUEEZE", squeeze);
    registry.add("tflite.EXPAND_DIMS", expandDims);
    registry.add("tflite.CONCATENATION", concatenation);
    registry.add("tflite.PAD", pad);
    registry.add("tflite.PADV2", pad);
    registry.add("tflite.TRANSPOSE", transpose);
    registry.add("tflite.STRIDED_SLICE", stridedSlice);
}

} // namespace pteron::runtime::tflite
