// TOSA operators that move elements without computing: CONST, CONST_SHAPE, IDENTITY, RESHAPE,
// TRANSPOSE, CONCAT, PAD, REVERSE, SLICE and TILE. They copy raw element bytes, so one kernel
// serves every element type.
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include "runtime/half_float.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

namespace pteron::runtime::tosa {

namespace {

// Constants are preloaded by the interpreter; only an empty constant has no bytes to preload.
void constant(KernelContext& ctx) {
    for (std::size_t i = 0; i < ctx.outputCount(); ++i) {
        const auto& value = ctx.outputValue(i);
        if (!value.data.empty()) continue;
        if (!value.hasShape || value.elementCount() != 0)
            ctx.fail("constant " + value.name + " has no data");
        ctx.setOutput(i, Tensor(value.dtype, value.shape));
    }
}

void identity(KernelContext& ctx) {
    checkOutputShape(ctx, 0, ctx.input(0).shape());
    ctx.setOutput(0, ctx.input(0));
}

void reshape(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    auto shape = integerListOperand(ctx, 1, "new_shape");
    // TOSA 0.80 lets one dimension be -1: whatever makes the element count match.
    const auto inferred = std::count(shape.begin(), shape.end(), -1);
    if (inferred > 1) ctx.fail("new shape " + shapeText(shape) + " infers more than one dimension");
    if (inferred == 1) {
        Shape knownDims;
        for (const auto dim : shape)
            if (dim != -1) {
                if (dim <= 0) ctx.fail("new shape " + shapeText(shape) + " is invalid");
                knownDims.push_back(dim);
            }
        const auto known = static_cast<std::int64_t>(elementCountOf(knownDims));
        const auto count = static_cast<std::int64_t>(input.elementCount());
        if (count % known != 0)
            ctx.fail("cannot reshape " + input.typeText() + " to " + shapeText(shape));
        std::replace(shape.begin(), shape.end(), std::int64_t{-1}, count / known);
    }
    for (const auto dim : shape)
        if (dim < 0) ctx.fail("new shape " + shapeText(shape) + " has a negative dimension");
    if (elementCountOf(shape) != input.elementCount())
        ctx.fail("cannot reshape " + input.typeText() + " to " + shapeText(shape) +
                 ": element counts differ");
    checkOutputShape(ctx, 0, shape);
    ctx.setOutput(0, input.reshaped(shape));
}

// Copies elements of `elementBytes` bytes: out[outIndex] = in[source(outIndex)], walking the
// output in order and moving the source by per-dimension strides.
template <typename Element>
void gatherStrided(const std::byte* in, std::byte* out, const Shape& outShape,
                   const std::vector<std::int64_t>& sourceStrides, std::int64_t sourceStart) {
    const auto rank = outShape.size();
    const auto total = static_cast<std::int64_t>(elementCountOf(outShape));
    if (total == 0) return;
    const auto* source = reinterpret_cast<const Element*>(in);
    auto* target = reinterpret_cast<Element*>(out);
    if (rank == 0) {
        std::memcpy(target, source + sourceStart, sizeof(Element));
        return;
    }
    std::vector<std::int64_t> index(rank, 0);
    const auto inner = outShape.back();
    const auto innerStride = sourceStrides.back();
    std::int64_t offset = sourceStart;
    for (std::int64_t at = 0; at < total; at += inner) {
        for (std::int64_t i = 0; i < inner; ++i)
            std::memcpy(target + at + i, source + offset + i * innerStride, sizeof(Element));
        // Advance the odometer over all but the innermost dimension.
        for (std::size_t d = rank - 1; d-- > 0;) {
            offset += sourceStrides[d];
            if (++index[d] < outShape[d]) break;
            offset -= sourceStrides[d] * outShape[d];
            index[d] = 0;
        }
    }
}

// Output tensor whose element (i0..in) is input element sourceStart + sum(i_d * strides[d]).
Tensor stridedCopy(const KernelContext& ctx, const Tensor& input, const Shape& outShape,
                   const std::vector<std::int64_t>& strides, std::int64_t start) {
    Tensor output(input.dtype(), outShape);
    const auto* in = input.bytes().data();
    auto* out = output.mutableBytes().data();
    switch (runtimeElementBytes(input.dtype())) {
    case 1:
        gatherStrided<std::uint8_t>(in, out, outShape, strides, start);
        break;
    case 2:
        gatherStrided<std::uint16_t>(in, out, outShape, strides, start);
        break;
    case 4:
        gatherStrided<std::uint32_t>(in, out, outShape, strides, start);
        break;
    case 8:
        gatherStrided<std::uint64_t>(in, out, outShape, strides, start);
        break;
    default:
        ctx.fail("cannot copy elements of " + input.typeText());
    }
    output.quantization = input.quantization;
    return output;
}

void transpose(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto perms = integerListOperand(ctx, 1, "perms");
    const auto rank = input.rank();
    if (perms.size() != rank)
        ctx.fail("permutation " + shapeText(perms) + " does not fit " + input.typeText());
    std::vector<bool> seen(rank, false);
    for (const auto p : perms) {
        if (p < 0 || static_cast<std::size_t>(p) >= rank || seen[static_cast<std::size_t>(p)])
            ctx.fail("permutation " + shapeText(perms) + " is not a permutation of " +
                     std::to_string(rank) + " axes");
        seen[static_cast<std::size_t>(p)] = true;
    }
    const auto inStrides = stridesOf(input.shape());
    Shape outShape(rank);
    std::vector<std::int64_t> strides(rank);
    for (std::size_t d = 0; d < rank; ++d) {
        outShape[d] = input.dim(static_cast<std::size_t>(perms[d]));
        strides[d] = inStrides[static_cast<std::size_t>(perms[d])];
    }
    checkOutputShape(ctx, 0, outShape);
    ctx.setOutput(0, stridedCopy(ctx, input, outShape, strides, 0));
}

void slice(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto start = integerListOperand(ctx, 1, "start");
    const auto size = integerListOperand(ctx, 2, "size");
    const auto rank = input.rank();
    if (start.size() != rank || size.size() != rank)
        ctx.fail("start " + shapeText(start) + " and size " + shapeText(size) + " do not fit " +
                 input.typeText());
    std::int64_t offset = 0;
    const auto strides = stridesOf(input.shape());
    for (std::size_t d = 0; d < rank; ++d) {
        if (start[d] < 0 || size[d] < 0 || start[d] > input.dim(d) ||
            size[d] > input.dim(d) - start[d])
            ctx.fail("slice start " + shapeText(start) + " size " + shapeText(size) +
                     " is outside " + input.typeText());
        offset += start[d] * strides[d];
    }
    checkOutputShape(ctx, 0, size);
    ctx.setOutput(0, stridedCopy(ctx, input, size, strides, offset));
}

void reverse(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto axis = ctx.intAttribute("axis");
    if (axis < 0 || static_cast<std::size_t>(axis) >= input.rank())
        ctx.fail("axis " + std::to_string(axis) + " is outside " + input.typeText());
    auto strides = stridesOf(input.shape());
    const auto a = static_cast<std::size_t>(axis);
    const auto start = input.dim(a) > 0 ? (input.dim(a) - 1) * strides[a] : 0;
    strides[a] = -strides[a];
    checkOutputShape(ctx, 0, input.shape());
    ctx.setOutput(0, stridedCopy(ctx, input, input.shape(), strides, start));
}

void tile(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto multiples = integerListOperand(ctx, 1, "multiples");
    const auto rank = input.rank();
    if (multiples.size() != rank)
        ctx.fail("multiples " + shapeText(multiples) + " do not fit " + input.typeText());
    // Tiling is a strided copy over a shape of 2*rank dimensions (multiple, extent) per axis.
    Shape expanded;
    std::vector<std::int64_t> strides;
    Shape outShape;
    const auto inStrides = stridesOf(input.shape());
    for (std::size_t d = 0; d < rank; ++d) {
        if (multiples[d] < 0) ctx.fail("multiples must not be negative");
        expanded.push_back(multiples[d]);
        expanded.push_back(input.dim(d));
        strides.push_back(0);
        strides.push_back(inStrides[d]);
    }
    elementCountOf(expanded); // refuses overflowing products before anything is multiplied
    for (std::size_t d = 0; d < rank; ++d)
        outShape.push_back(multiples[d] * input.dim(d));
    checkOutputShape(ctx, 0, outShape);
    ctx.setOutput(0, stridedCopy(ctx, input, expanded, strides, 0).reshaped(outShape));
}

void concat(KernelContext& ctx) {
    std::vector<Tensor> inputs;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i)
        if (ctx.hasInput(i)) inputs.push_back(ctx.input(i));
    if (inputs.empty()) ctx.fail("needs at least one input");
    const auto& first = inputs.front();
    const auto axis = ctx.intAttribute("axis");
    if (axis < 0 || static_cast<std::size_t>(axis) >= first.rank())
        ctx.fail("axis " + std::to_string(axis) + " is outside " + first.typeText());
    const auto a = static_cast<std::size_t>(axis);
    Shape outShape = first.shape();
    outShape[a] = 0;
    for (const auto& each : inputs) {
        const auto* input = &each;
        if (input->dtype() != first.dtype() || input->rank() != first.rank())
            ctx.fail("inputs " + first.typeText() + " and " + input->typeText() + " differ");
        for (std::size_t d = 0; d < first.rank(); ++d)
            if (d != a && input->dim(d) != first.dim(d))
                ctx.fail("inputs " + first.typeText() + " and " + input->typeText() +
                         " differ outside the axis");
        outShape[a] += input->dim(a);
    }
    checkOutputShape(ctx, 0, outShape);
    Tensor output(first.dtype(), outShape);
    const auto elementBytes = runtimeElementBytes(first.dtype());
    std::int64_t outer = 1;
    for (std::size_t d = 0; d < a; ++d)
        outer *= outShape[d];
    std::int64_t inner = 1;
    for (std::size_t d = a + 1; d < outShape.size(); ++d)
        inner *= outShape[d];
    const auto outRow = outShape[a] * inner * static_cast<std::int64_t>(elementBytes);
    auto* out = output.mutableBytes().data();
    std::int64_t at = 0;
    for (const auto& each : inputs) {
        const auto* input = &each;
        const auto row = input->dim(a) * inner * static_cast<std::int64_t>(elementBytes);
        const auto* in = input->bytes().data();
        for (std::int64_t o = 0; o < outer && row > 0; ++o)
            std::memcpy(out + o * outRow + at, in + o * row, static_cast<std::size_t>(row));
        at += row;
    }
    ctx.setOutput(0, std::move(output));
}

// The pad value's bytes in the input's storage type.
std::vector<std::byte> padValue(const KernelContext& ctx, const Tensor& input) {
    const auto elementBytes = runtimeElementBytes(input.dtype());
    std::vector<std::byte> bytes(elementBytes);
    if (ctx.hasInput(2)) {
        const auto& value = ctx.input(2);
        if (value.dtype() != input.dtype() || value.elementCount() < 1)
            ctx.fail("pad_const must be one " + std::string(dtypeName(input.dtype())) + " value");
        std::memcpy(bytes.data(), value.bytes().data(), elementBytes);
        return bytes;
    }
    if (isTosaFloat(input.dtype())) {
        float real = 0;
        if (const auto* attribute = ctx.attribute("pad_const_fp")) {
            if (const auto* blob = std::get_if<Blob>(attribute); blob && blob->bytes.size() >= 4)
                std::memcpy(&real, blob->bytes.data(), 4);
            else
                real = static_cast<float>(ctx.doubleAttribute("pad_const_fp", 0));
        }
        const auto tensor = floatTensor(ctx, input.dtype(), {1}, std::span(&real, 1));
        std::memcpy(bytes.data(), tensor.bytes().data(), elementBytes);
        return bytes;
    }
    const auto integer = ctx.intAttribute("pad_const_int", 0);
    withIntegerType(ctx, input.dtype(), [&]<typename T>() {
        const auto value = static_cast<T>(integer);
        std::memcpy(bytes.data(), &value, sizeof(T));
    });
    return bytes;
}

void pad(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto padding = integerListOperand(ctx, 1, "padding");
    const auto rank = input.rank();
    if (padding.size() != 2 * rank)
        ctx.fail("padding " + shapeText(padding) + " does not fit " + input.typeText());
    Shape outShape(rank);
    for (std::size_t d = 0; d < rank; ++d) {
        if (padding[2 * d] < 0 || padding[2 * d + 1] < 0 || padding[2 * d] > (1 << 24) ||
            padding[2 * d + 1] > (1 << 24))
            ctx.fail("padding " + shapeText(padding) + " must be between 0 and 2^24");
        outShape[d] = input.dim(d) + padding[2 * d] + padding[2 * d + 1];
    }
    checkOutputShape(ctx, 0, outShape);
    const auto fill = padValue(ctx, input);
    const auto elementBytes = fill.size();
    Tensor output(input.dtype(), outShape);
    auto* out = output.mutableBytes().data();
    const auto total = output.elementCount();
    for (std::uint64_t i = 0; i < total; ++i)
        std::memcpy(out + i * elementBytes, fill.data(), elementBytes);
    // Copy the input's innermost rows into place.
    const auto outStrides = stridesOf(outShape);
    const auto inner = rank == 0 ? 1 : input.dim(rank - 1);
    const auto rows = inner == 0 ? 0 : static_cast<std::int64_t>(input.elementCount()) / inner;
    const auto* in = input.bytes().data();
    for (std::int64_t row = 0; row < rows; ++row) {
        std::int64_t outOffset = rank == 0 ? 0 : padding[2 * (rank - 1)];
        auto rest = row;
        for (std::size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
            const auto index = rest % input.dim(d);
            rest /= input.dim(d);
            outOffset += (index + padding[2 * d]) * outStrides[d];
        }
        std::memcpy(out + outOffset * static_cast<std::int64_t>(elementBytes),
                    in + row * inner * static_cast<std::int64_t>(elementBytes),
                    static_cast<std::size_t>(inner) * elementBytes);
    }
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addDataLayoutKernels(KernelRegistry& registry) {
    registry.add("tosa.CONST", constant);
    registry.add("tosa.CONST_SHAPE", constant);
    registry.add("tosa.IDENTITY", identity);
    registry.add("tosa.RESHAPE", reshape);
    registry.add("tosa.TRANSPOSE", transpose);
    registry.add("tosa.SLICE", slice);
    registry.add("tosa.REVERSE", reverse);
    registry.add("tosa.TILE", tile);
    registry.add("tosa.CONCAT", concat);
    registry.add("tosa.PAD", pad);
}

} // namespace pteron::runtime::tosa
