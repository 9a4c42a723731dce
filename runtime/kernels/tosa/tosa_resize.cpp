// TOSA RESIZE over NHWC tensors, NEAREST and BILINEAR. Integer bilinear interpolation is exact
// and leaves the result scaled by scale_y_n * scale_x_n (int8 -> int32, int16 -> int48);
// floating point interpolates in fp32. Scale, offset and border are shape operands (TOSA 1.0) or
// attributes (TOSA 0.80).
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"
#include "runtime/kernels/tosa/tosa_scaling.hpp"

#include <cmath>

namespace pteron::runtime::tosa {

namespace {

struct ResizeGeometry {
    std::int64_t batch = 0, inHeight = 0, inWidth = 0, channels = 0, outHeight = 0, outWidth = 0;
    std::int64_t yn = 1, yd = 1, xn = 1, xd = 1, offsetY = 0, offsetX = 0;
    bool bilinear = false;
};

std::int64_t floorDivide(std::int64_t a, std::int64_t b) {
    const auto q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

ResizeGeometry resizeGeometry(const KernelContext& ctx, const Tensor& input) {
    requireRank(ctx, input, 4, "input");
    const auto scale = integerListOperand(ctx, 1, "scale");
    const auto offset = integerListOperand(ctx, 2, "offset");
    const auto border = integerListOperand(ctx, 3, "border");
    if (scale.size() != 4 || offset.size() != 2 || border.size() != 2)
        ctx.fail("scale needs 4 values, offset and border 2 each");
    ResizeGeometry g;
    g.batch = input.dim(0);
    g.inHeight = input.dim(1);
    g.inWidth = input.dim(2);
    g.channels = input.dim(3);
    g.yn = scale[0];
    g.yd = scale[1];
    g.xn = scale[2];
    g.xd = scale[3];
    g.offsetY = offset[0];
    g.offsetX = offset[1];
    const auto mode = ctx.enumAttribute("mode");
    if (mode != "NEAREST" && mode != "BILINEAR") ctx.fail("unsupported mode " + mode);
    g.bilinear = mode == "BILINEAR";
    for (const auto n : {g.yn, g.xn})
        if (n <= 0 || n > 2048) ctx.fail("scale numerators must be in [1, 2048]");
    if (g.yd <= 0 || g.xd <= 0 || g.yd >= 16 * g.yn || g.xd >= 16 * g.xn)
        ctx.fail("scale denominators must be in [1, 16 * numerator)");
    if (g.offsetY < -g.yn || g.offsetY >= 16 * g.yn || g.offsetX < -g.xn || g.offsetX >= 16 * g.xn)
        ctx.fail("offset is out of range");
    if (border[0] < -16 * g.yn || border[0] >= g.yn || border[1] < -16 * g.xn || border[1] >= g.xn)
        ctx.fail("border is out of range");
    if (g.inHeight < 1 || g.inWidth < 1 || g.inHeight > (1 << 16) || g.inWidth > (1 << 16))
        ctx.fail("input extents must be in [1, 65536]");
    const auto height = (g.inHeight - 1) * g.yn - g.offsetY + border[0];
    const auto width = (g.inWidth - 1) * g.xn - g.offsetX + border[1];
    if (height < 0 || width < 0 || height % g.yd != 0 || width % g.xd != 0)
        ctx.fail("scale, offset and border do not give a whole output size");
    g.outHeight = height / g.yd + 1;
    g.outWidth = width / g.xd + 1;
    return g;
}

// The four source positions and weights of one output coordinate along one axis.
struct AxisSample {
    std::int64_t i0 = 0, i1 = 0;
    std::int64_t delta = 0; // integer fraction in units of 1/numerator
    float fraction = 0;
};

AxisSample sampleAxis(std::int64_t out, std::int64_t d, std::int64_t offset, std::int64_t n,
                      std::int64_t extent) {
    const auto position = out * d + offset;
    const auto index = floorDivide(position, n);
    AxisSample s;
    s.delta = position - index * n;
    s.fraction = static_cast<float>(position) / static_cast<float>(n) - static_cast<float>(index);
    s.i0 = std::clamp<std::int64_t>(index, 0, extent - 1);
    s.i1 = std::clamp<std::int64_t>(index + 1, 0, extent - 1);
    return s;
}

template <typename In, typename Out>
void resizeInteger(const ResizeGeometry& g, const In* input, Out* output) {
    for (std::int64_t b = 0; b < g.batch; ++b)
        for (std::int64_t oy = 0; oy < g.outHeight; ++oy) {
            const auto y = sampleAxis(oy, g.yd, g.offsetY, g.yn, g.inHeight);
            for (std::int64_t ox = 0; ox < g.outWidth; ++ox) {
                const auto x = sampleAxis(ox, g.xd, g.offsetX, g.xn, g.inWidth);
                const auto at = [&](std::int64_t iy, std::int64_t ix) {
                    return input + ((b * g.inHeight + iy) * g.inWidth + ix) * g.channels;
                };
                Out* out = output + ((b * g.outHeight + oy) * g.outWidth + ox) * g.channels;
                if (!g.bilinear) {
                    const auto iy = 2 * y.delta >= g.yn ? y.i1 : y.i0;
                    const auto ix = 2 * x.delta >= g.xn ? x.i1 : x.i0;
                    const In* source = at(iy, ix);
                    for (std::int64_t c = 0; c < g.channels; ++c)
                        out[c] = static_cast<Out>(source[c]);
                    continue;
                }
                const In* v00 = at(y.i0, x.i0);
                const In* v01 = at(y.i0, x.i1);
                const In* v10 = at(y.i1, x.i0);
                const In* v11 = at(y.i1, x.i1);
                const auto w00 = (g.yn - y.delta) * (g.xn - x.delta);
                const auto w01 = (g.yn - y.delta) * x.delta;
                const auto w10 = y.delta * (g.xn - x.delta);
                const auto w11 = y.delta * x.delta;
                for (std::int64_t c = 0; c < g.channels; ++c)
                    out[c] =
                        static_cast<Out>(v00[c] * w00 + v01[c] * w01 + v10[c] * w10 + v11[c] * w11);
            }
        }
}

void resizeFloat(KernelContext& ctx, const ResizeGeometry& g, const Tensor& input,
                 const Shape& shape) {
    const auto type = input.dtype();
    const auto values = floatsOf(ctx, input);
    auto out = floatBuffer(ctx, shape);
    for (std::int64_t b = 0; b < g.batch; ++b)
        for (std::int64_t oy = 0; oy < g.outHeight; ++oy) {
            const auto y = sampleAxis(oy, g.yd, g.offsetY, g.yn, g.inHeight);
            for (std::int64_t ox = 0; ox < g.outWidth; ++ox) {
                const auto x = sampleAxis(ox, g.xd, g.offsetX, g.xn, g.inWidth);
                const auto at = [&](std::int64_t iy, std::int64_t ix) {
                    return values.data() + ((b * g.inHeight + iy) * g.inWidth + ix) * g.channels;
                };
                float* o = out.data() + ((b * g.outHeight + oy) * g.outWidth + ox) * g.channels;
                if (!g.bilinear) {
                    const float* source =
                        at(y.fraction >= 0.5f ? y.i1 : y.i0, x.fraction >= 0.5f ? x.i1 : x.i0);
                    for (std::int64_t c = 0; c < g.channels; ++c)
                        o[c] = source[c];
                    continue;
                }
                const float dy = y.fraction, dx = x.fraction;
                const float* v00 = at(y.i0, x.i0);
                const float* v01 = at(y.i0, x.i1);
                const float* v10 = at(y.i1, x.i0);
                const float* v11 = at(y.i1, x.i1);
                for (std::int64_t c = 0; c < g.channels; ++c) {
                    float acc = v00[c] * (1 - dy) * (1 - dx);
                    acc += v01[c] * (1 - dy) * dx;
                    acc += v10[c] * dy * (1 - dx);
                    acc += v11[c] * dy * dx;
                    o[c] = roundToFloatType(type, acc);
                }
            }
        }
    ctx.setOutput(0, floatTensor(ctx, type, shape, out));
}

void resize(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto g = resizeGeometry(ctx, input);
    const Shape shape{g.batch, g.outHeight, g.outWidth, g.channels};
    checkOutputShape(ctx, 0, shape);
    if (isTosaFloat(input.dtype())) return resizeFloat(ctx, g, input, shape);
    const bool wide = input.dtype() == DType::Int16;
    if (!wide && input.dtype() != DType::Int8) ctx.fail("unsupported input " + input.typeText());
    const auto outType = g.bilinear ? (wide ? DType::Int48 : DType::Int32) : input.dtype();
    if (outputType(ctx, 0, outType) != outType)
        ctx.fail("output must be " + std::string(dtypeName(outType)));
    Tensor output(outType, shape);
    if (!wide && g.bilinear)
        resizeInteger(g, input.elements<std::int8_t>().data(),
                      output.mutableElements<std::int32_t>().data());
    else if (!wide)
        resizeInteger(g, input.elements<std::int8_t>().data(),
                      output.mutableElements<std::int8_t>().data());
    else if (g.bilinear)
        resizeInteger<std::int16_t, std::int64_t>(g, input.elements<std::int16_t>().data(),
                                                  output.mutableElements<std::int64_t>().data());
    else
        resizeInteger(g, input.elements<std::int16_t>().data(),
                      output.mutableElements<std::int16_t>().data());
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addResizeKernels(KernelRegistry& registry) {
    registry.add("tosa.RESIZE", resize);
}

} // namespace pteron::runtime::tosa
