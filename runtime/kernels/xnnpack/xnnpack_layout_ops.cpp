// Data-movement nodes that keep element values: StaticTranspose, StaticReshape, StaticSlice,
// StaticConstantPad, Concatenate2..5, plus StaticResizeBilinear2D (NHWC, half-pixel centres
// unless the align-corners flag is set).
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"
#include "runtime/kernels/xnnpack/xnnpack_operands.hpp"
#include "runtime/tensor_elements.hpp"

#include <cmath>
#include <cstring>

namespace pteron::runtime::xnnpack {

namespace {

constexpr std::int64_t kAlignCorners = 0x8;
constexpr std::int64_t kTensorflowLegacy = 0x4;

std::size_t elementBytes(const KernelContext& ctx, const Tensor& tensor) {
    const auto bytes = runtimeElementBytes(tensor.dtype());
    if (bytes == 0) ctx.fail("element type " + tensor.typeText() + " cannot be moved");
    return bytes;
}

Tensor withInputQuantization(Tensor tensor, const Tensor& input) {
    tensor.quantization = input.quantization;
    return tensor;
}

// Row-major odometer over `shape`; visit(flatIndex, index) for each element.
template <typename Visit> void forEachIndex(const Shape& shape, Visit&& visit) {
    const std::uint64_t total = elementCountOf(shape);
    std::vector<std::int64_t> index(shape.size(), 0);
    for (std::uint64_t i = 0; i < total; ++i) {
        visit(i, index);
        for (std::size_t d = shape.size(); d-- > 0;) {
            if (++index[d] < shape[d]) break;
            index[d] = 0;
        }
    }
}

std::vector<std::int64_t> stridesOf(const Shape& shape) {
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (std::size_t d = shape.size(); d-- > 1;)
        strides[d - 1] = strides[d] * shape[d];
    return strides;
}

void transpose(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto perm = ctx.intsAttribute("perm");
    const std::size_t rank = input.rank();
    if (perm.size() != rank) ctx.fail("perm must have one entry per axis");
    const auto inStrides = stridesOf(input.shape());
    Shape shape(rank);
    std::vector<std::int64_t> strides(rank);
    std::vector<bool> seen(rank, false);
    for (std::size_t d = 0; d < rank; ++d) {
        if (perm[d] < 0 || static_cast<std::size_t>(perm[d]) >= rank ||
            seen[static_cast<std::size_t>(perm[d])])
            ctx.fail("perm is not a permutation of the axes");
        seen[static_cast<std::size_t>(perm[d])] = true;
        shape[d] = input.dim(static_cast<std::size_t>(perm[d]));
        strides[d] = inStrides[static_cast<std::size_t>(perm[d])];
    }
    const auto bytes = elementBytes(ctx, input);
    Tensor out(input.dtype(), shape);
    const auto* source = input.bytes().data();
    auto* target = out.mutableBytes().data();
    forEachIndex(shape, [&](std::uint64_t i, const std::vector<std::int64_t>& index) {
        std::int64_t from = 0;
        for (std::size_t d = 0; d < rank; ++d)
            from += index[d] * strides[d];
        std::memcpy(target + i * bytes, source + static_cast<std::uint64_t>(from) * bytes, bytes);
    });
    ctx.setOutput(0, withInputQuantization(std::move(out), input));
}

// new_shape with 0 standing for "infer this dimension", as XNNPACK reads it.
void reshape(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    auto shape = ctx.intsAttribute("new_shape");
    std::size_t inferred = shape.size();
    std::uint64_t known = 1;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == 0 && inferred == shape.size())
            inferred = d;
        else if (shape[d] <= 0)
            ctx.fail("new_shape " + shapeText(shape) + " is not valid");
        else
            known *= static_cast<std::uint64_t>(shape[d]);
        if (known > (std::uint64_t{1} << 40)) ctx.fail("new_shape is too large");
    }
    if (inferred < shape.size()) {
        if (known == 0 || input.elementCount() % known != 0)
            ctx.fail("cannot infer a dimension of " + shapeText(shape));
        shape[inferred] = static_cast<std::int64_t>(input.elementCount() / known);
    }
    if (elementCountOf(shape) != input.elementCount())
        ctx.fail("cannot reshape " + input.typeText() + " to " + shapeText(shape));
    ctx.setOutput(0, input.reshaped(shape));
}

void slice(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto offsets = ctx.intsAttribute("offsets");
    auto sizes = ctx.intsAttribute("sizes");
    const std::size_t rank = input.rank();
    if (offsets.size() != rank || sizes.size() != rank)
        ctx.fail("offsets and sizes need one entry per axis");
    for (std::size_t d = 0; d < rank; ++d) {
        if (sizes[d] == 0) sizes[d] = input.dim(d) - offsets[d]; // 0: to the end
        if (offsets[d] < 0 || sizes[d] < 0 || offsets[d] + sizes[d] > input.dim(d))
            ctx.fail("slice leaves axis " + std::to_string(d) + " of " + input.typeText());
    }
    const auto bytes = elementBytes(ctx, input);
    const auto inStrides = stridesOf(input.shape());
    Tensor out(input.dtype(), sizes);
    const auto* source = input.bytes().data();
    auto* target = out.mutableBytes().data();
    forEachIndex(sizes, [&](std::uint64_t i, const std::vector<std::int64_t>& index) {
        std::int64_t from = 0;
        for (std::size_t d = 0; d < rank; ++d)
            from += (index[d] + offsets[d]) * inStrides[d];
        std::memcpy(target + i * bytes, source + static_cast<std::uint64_t>(from) * bytes, bytes);
    });
    ctx.setOutput(0, withInputQuantization(std::move(out), input));
}

void constantPad(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto pre = ctx.intsAttribute("pre_paddings");
    const auto post = ctx.intsAttribute("post_paddings");
    const std::size_t rank = input.rank();
    if (pre.size() != rank || post.size() != rank) ctx.fail("paddings need one entry per axis");
    Shape shape(rank);
    for (std::size_t d = 0; d < rank; ++d) {
        if (pre[d] < 0 || post[d] < 0 || pre[d] > (1 << 24) || post[d] > (1 << 24))
            ctx.fail("paddings must be reasonable");
        shape[d] = input.dim(d) + pre[d] + post[d];
    }
    Tensor out(input.dtype(), shape);
    double fill = ctx.doubleAttribute("padding_value", 0.0);
    if (!isFloatType(input.dtype())) {
        const auto q = inputQuantization(ctx, 0);
        if (!q.scales.empty() && q.scales[0] > 0)
            fill =
                std::nearbyint(fill / q.scales[0]) + (q.zeroPoints.empty() ? 0 : q.zeroPoints[0]);
        const auto range = typeRange(input.dtype());
        fill = std::clamp<double>(fill, range.min, range.max);
    }
    for (std::uint64_t i = 0; i < out.elementCount(); ++i)
        setElement(out, i, fill);
    const auto bytes = elementBytes(ctx, input);
    const auto outStrides = stridesOf(shape);
    const auto* source = input.bytes().data();
    auto* target = out.mutableBytes().data();
    forEachIndex(input.shape(), [&](std::uint64_t i, const std::vector<std::int64_t>& index) {
        std::int64_t to = 0;
        for (std::size_t d = 0; d < rank; ++d)
            to += (index[d] + pre[d]) * outStrides[d];
        std::memcpy(target + static_cast<std::uint64_t>(to) * bytes, source + i * bytes, bytes);
    });
    ctx.setOutput(0, withInputQuantization(std::move(out), input));
}

void concatenate(KernelContext& ctx) {
    const auto& first = ctx.input(0);
    auto axis = ctx.intAttribute("axis", 0);
    const auto rank = static_cast<std::int64_t>(first.rank());
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) ctx.fail("axis is outside the inputs");
    Shape shape = first.shape();
    shape[static_cast<std::size_t>(axis)] = 0;
    std::vector<const Tensor*> inputs;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i) {
        if (!ctx.hasInput(i)) continue;
        const auto& input = ctx.input(i);
        if (input.dtype() != first.dtype() || input.rank() != first.rank())
            ctx.fail("inputs must share type and rank");
        for (std::int64_t d = 0; d < rank; ++d)
            if (d != axis &&
                input.dim(static_cast<std::size_t>(d)) != first.dim(static_cast<std::size_t>(d)))
                ctx.fail("inputs differ outside the axis");
        shape[static_cast<std::size_t>(axis)] += input.dim(static_cast<std::size_t>(axis));
        inputs.push_back(&input);
    }
    const auto bytes = elementBytes(ctx, first);
    std::int64_t outer = 1, inner = static_cast<std::int64_t>(bytes);
    for (std::int64_t d = 0; d < axis; ++d)
        outer *= shape[static_cast<std::size_t>(d)];
    for (std::int64_t d = axis + 1; d < rank; ++d)
        inner *= shape[static_cast<std::size_t>(d)];
    Tensor out(first.dtype(), shape);
    auto* target = out.mutableBytes().data();
    const std::int64_t rowBytes = shape[static_cast<std::size_t>(axis)] * inner;
    std::int64_t offset = 0;
    for (const auto* input : inputs) {
        const std::int64_t chunk = input->dim(static_cast<std::size_t>(axis)) * inner;
        for (std::int64_t o = 0; o < outer; ++o)
            std::memcpy(target + o * rowBytes + offset, input->bytes().data() + o * chunk,
                        static_cast<std::size_t>(chunk));
        offset += chunk;
    }
    ctx.setOutput(0, withInputQuantization(std::move(out), first));
}

void resizeBilinear(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    if (input.rank() != 4 || !isFloatType(input.dtype()))
        ctx.fail("StaticResizeBilinear2D supports 4-d float NHWC inputs, given " +
                 input.typeText());
    const auto outH = ctx.intAttribute("new_height");
    const auto outW = ctx.intAttribute("new_width");
    if (outH <= 0 || outW <= 0 || outH > (1 << 16) || outW > (1 << 16))
        ctx.fail("new sizes must be positive");
    const auto flags = ctx.intAttribute("flags", 0);
    const bool alignCorners = (flags & kAlignCorners) != 0;
    const bool legacy = (flags & kTensorflowLegacy) != 0;
    const std::int64_t n = input.dim(0), inH = input.dim(1), inW = input.dim(2), c = input.dim(3);
    const auto x = floatsOf(ctx, input);
    const auto source = [&](std::int64_t out, std::int64_t in, std::int64_t size) {
        if (alignCorners)
            return size > 1 ? static_cast<float>(out) * static_cast<float>(in - 1) /
                                  static_cast<float>(size - 1)
                            : 0.0f;
        const float scale = static_cast<float>(in) / static_cast<float>(size);
        if (legacy) return static_cast<float>(out) * scale;
        return std::max(0.0f, (static_cast<float>(out) + 0.5f) * scale - 0.5f);
    };
    const Shape shape{n, outH, outW, c};
    std::vector<float> out(static_cast<std::size_t>(elementCountOf(shape)));
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t oy = 0; oy < outH; ++oy) {
            const float sy = source(oy, inH, outH);
            const auto y0 = std::min(static_cast<std::int64_t>(sy), inH - 1);
            const auto y1 = std::min(y0 + 1, inH - 1);
            const float dy = sy - static_cast<float>(y0);
            for (std::int64_t ox = 0; ox < outW; ++ox) {
                const float sx = source(ox, inW, outW);
                const auto x0 = std::min(static_cast<std::int64_t>(sx), inW - 1);
                const auto x1 = std::min(x0 + 1, inW - 1);
                const float dx = sx - static_cast<float>(x0);
                for (std::int64_t ch = 0; ch < c; ++ch) {
                    const auto at = [&](std::int64_t y, std::int64_t xx) {
                        return x[static_cast<std::size_t>(((b * inH + y) * inW + xx) * c + ch)];
                    };
                    const float top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * dx;
                    const float bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * dx;
                    out[static_cast<std::size_t>(((b * outH + oy) * outW + ox) * c + ch)] =
                        top + (bottom - top) * dy;
                }
            }
        }
    ctx.setOutput(0, floatTensor(input.dtype(), shape, out));
}

} // namespace

void addLayoutKernels(KernelRegistry& registry) {
    registry.add("xnnpack.StaticTranspose", transpose);
    registry.add("xnnpack.StaticReshape", reshape);
    registry.add("xnnpack.StaticSlice", slice);
    registry.add("xnnpack.StaticConstantPad", constantPad);
    for (const auto* name : {"xnnpack.Concatenate2", "xnnpack.Concatenate3", "xnnpack.Concatenate4",
                             "xnnpack.Concatenate5"})
        registry.add(name, concatenate);
    registry.add("xnnpack.StaticResizeBilinear2D", resizeBilinear);
}

} // namespace pteron::runtime::xnnpack
