// TOSA CONV2D, CONV3D, DEPTHWISE_CONV2D, TRANSPOSE_CONV2D, MATMUL and (TOSA 0.80)
// FULLY_CONNECTED: int8 x int8 -> int32, int8 x int4 -> int32, int16 x int8 -> int48, and
// fp32/fp16/bf16 accumulated in fp32, or in fp16 where acc_type (MATMUL: the output) is fp16.
// Integer results are exact: acc = bias + sum((in - input_zp) * (weight - weight_zp)), padded taps
// contributing nothing.
#include "runtime/half_float.hpp"
#include "runtime/kernels/tosa/tosa_convolution_geometry.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_integer_loops.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"
#include "runtime/kernels/tosa/tosa_scaling.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::runtime::tosa {

namespace {

// A number rounded to fp16 after every operation, as an fp16 acc_t is in the specification's
// pseudo-code. fp32 holds the product of two fp16 values exactly, and fp32's 24 bits are at least
// twice fp16's 11 plus 2, so rounding an fp32 sum or product of fp16 values to fp16 gives the
// correctly rounded result.
struct HalfAccumulator {
    float value = 0;
    HalfAccumulator() = default;
    HalfAccumulator(float number) : value(roundToHalf(number)) {}
    friend HalfAccumulator operator*(HalfAccumulator a, HalfAccumulator b) {
        return {a.value * b.value};
    }
    friend HalfAccumulator operator+(HalfAccumulator a, HalfAccumulator b) {
        return {a.value + b.value};
    }
    friend HalfAccumulator operator-(HalfAccumulator a, HalfAccumulator b) {
        return {a.value - b.value};
    }
    HalfAccumulator& operator+=(HalfAccumulator other) { return *this = *this + other; }
    explicit operator float() const { return value; }
};

// The specification's ending for floats: out = out_t(acc), then out + bias in out_t.
inline float finishFloat(DType outType, float acc, float bias) {
    return roundToFloatType(outType, roundToFloatType(outType, acc) + bias);
}

// How the operands of one convolution are typed.
enum class ConvKind { Int8, Int16, Float };

struct ConvOperands {
    ConvKind kind = ConvKind::Float;
    DType outType = DType::Unknown;
    bool halfAccumulator = false; // float kinds: acc_type FP16
    std::int64_t inputZp = 0;
    std::int64_t weightZp = 0;
};

ConvOperands convOperands(const KernelContext& ctx, const Tensor& input, const Tensor& weight,
                          std::size_t zpOperand) {
    ConvOperands operands;
    operands.inputZp = zeroPoint(ctx, zpOperand, "input_zp");
    operands.weightZp = zeroPoint(ctx, zpOperand + 1, "weight_zp");
    if (input.dtype() == DType::Int8 &&
        (weight.dtype() == DType::Int8 || weight.dtype() == DType::Int4)) {
        // int4 weights (EXT-INT4) are held unpacked to int8, so they run the int8 loops.
        operands.kind = ConvKind::Int8;
        operands.outType = DType::Int32;
        if (weight.dtype() == DType::Int4 && operands.weightZp != 0)
            ctx.fail("int4 weight zero point must be 0");
    } else if (input.dtype() == DType::Int16 && weight.dtype() == DType::Int8) {
        operands.kind = ConvKind::Int16;
        operands.outType = DType::Int48;
        if (operands.inputZp != 0) ctx.fail("int16 input zero point must be 0");
    } else if ((isTosaFloat(input.dtype()) || isTosaFloat8(input.dtype())) &&
               (isTosaFloat(weight.dtype()) || isTosaFloat8(weight.dtype()))) {
        operands.kind = ConvKind::Float;
        operands.outType = outputType(ctx, 0, input.dtype());
        if (!isTosaFloat(operands.outType))
            ctx.fail("floating-point convolution must have a floating-point output");
        if (operands.inputZp != 0 || operands.weightZp != 0)
            ctx.fail("floating-point zero points must be 0");
        operands.halfAccumulator = ctx.enumAttribute("acc_type") == "FP16";
        return operands;
    } else {
        ctx.fail("unsupported input/weight types " + input.typeText() + " and " +
                 weight.typeText());
    }
    const auto declared = outputType(ctx, 0, operands.outType);
    if (declared != operands.outType)
        ctx.fail("output must be " + std::string(dtypeName(operands.outType)) + ", the file says " +
                 std::string(dtypeName(declared)));
    if (operands.inputZp < -128 || operands.inputZp > 127 || operands.weightZp < -128 ||
        operands.weightZp > 127)
        ctx.fail("zero points must be int8 values");
    return operands;
}

// Bias per output channel (a [1] bias broadcasts), widened to the accumulator type.
template <typename Acc>
std::vector<Acc> biasValues(const KernelContext& ctx, std::size_t operand, std::int64_t channels) {
    std::vector<Acc> bias(static_cast<std::size_t>(channels), Acc{});
    if (!ctx.hasInput(operand)) return bias;
    const auto& tensor = ctx.input(operand);
    const auto count = static_cast<std::int64_t>(tensor.elementCount());
    if (count != channels && count != 1)
        ctx.fail("bias has " + std::to_string(count) + " values for " + std::to_string(channels) +
                 " output channels");
    if constexpr (std::is_floating_point_v<Acc>) {
        const auto values = floatsOf(ctx, tensor);
        for (std::size_t c = 0; c < bias.size(); ++c)
            bias[c] = values[count == 1 ? 0 : c];
    } else {
        const auto values = integersOf(ctx, tensor);
        for (std::size_t c = 0; c < bias.size(); ++c)
            bias[c] = static_cast<Acc>(values[count == 1 ? 0 : c]);
    }
    return bias;
}

// Stores accumulators as the output type: int32 wraps as two's complement, int48 saturates.
template <typename Out> Out storeAccumulator(std::int64_t value) {
    if constexpr (std::is_same_v<Out, std::int64_t>)
        return saturateTo<std::int64_t>(value);
    else
        return static_cast<Out>(value);
}

// Sum of products of two int8/int16 rows; int8 fits int32 for rows below 2^17.
template <typename Dot, typename In, typename W>
inline Dot dotProduct(const In* a, const W* b, std::int64_t count) {
    Dot sum = 0;
    for (std::int64_t i = 0; i < count; ++i)
        sum += static_cast<Dot>(a[i]) * static_cast<Dot>(b[i]);
    return sum;
}

// Four output channels at once so every patch element is loaded once per four weight rows.
template <typename Dot, typename In, typename W>
inline void dotProduct4(const In* a, const W* b, std::int64_t count, Dot* sums) {
    Dot s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const W* b1 = b + count;
    const W* b2 = b1 + count;
    const W* b3 = b2 + count;
    for (std::int64_t i = 0; i < count; ++i) {
        const auto x = static_cast<Dot>(a[i]);
        s0 += x * static_cast<Dot>(b[i]);
        s1 += x * static_cast<Dot>(b1[i]);
        s2 += x * static_cast<Dot>(b2[i]);
        s3 += x * static_cast<Dot>(b3[i]);
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
}

// Copies the receptive field of one output position into `patch` in weight order (kd, kh, kw,
// ic) as value - zeroPoint; taps in the padding hold the zero point, so they become 0.
template <typename In, typename Patch>
void gatherPatch(const WindowGeometry& g, const In* image, std::int64_t od, std::int64_t oy,
                 std::int64_t ox, Patch zeroPoint, Patch* patch) {
    const auto channels = g.inChannels;
    const auto rowStride = g.in[2] * channels;
    const auto planeStride = g.in[1] * rowStride;
    Patch* at = patch;
    for (std::int64_t kd = 0; kd < g.kernel[0]; ++kd) {
        const auto z = od * g.stride[0] - g.padBefore[0] + kd * g.dilation[0];
        for (std::int64_t ky = 0; ky < g.kernel[1]; ++ky) {
            const auto y = oy * g.stride[1] - g.padBefore[1] + ky * g.dilation[1];
            const bool rowInside = z >= 0 && z < g.in[0] && y >= 0 && y < g.in[1];
            for (std::int64_t kx = 0; kx < g.kernel[2]; ++kx, at += channels) {
                const auto x = ox * g.stride[2] - g.padBefore[2] + kx * g.dilation[2];
                if (!rowInside || x < 0 || x >= g.in[2]) {
                    std::fill(at, at + channels, Patch{});
                    continue;
                }
                const In* source = image + z * planeStride + y * rowStride + x * channels;
                for (std::int64_t c = 0; c < channels; ++c)
                    at[c] = static_cast<Patch>(static_cast<Patch>(source[c]) - zeroPoint);
            }
        }
    }
}

// Direct convolution over NDHWC input and O(D)HWI weights (CONV2D runs with depth 1). Inputs
// and weights are taken as int16 values minus their zero points, so the inner product is a plain
// int16 dot product that vectorises to multiply-add instructions.
template <typename In, typename Dot, typename Out>
void convolveInteger(const KernelContext& ctx, const WindowGeometry& g, const In* input,
                     const std::int8_t* weights, const std::vector<std::int64_t>& bias,
                     std::int64_t inputZp, std::int64_t weightZp, Out* output) {
    const auto length = g.taps() * g.inChannels;
    const auto oc = g.outChannels;
    std::vector<std::int16_t> adjusted(static_cast<std::size_t>(oc * length));
    for (std::size_t i = 0; i < adjusted.size(); ++i)
        adjusted[i] = static_cast<std::int16_t>(weights[i] - weightZp);
    const auto imageSize = g.in[0] * g.in[1] * g.in[2] * g.inChannels;
    ctx.pool().parallelFor(g.outRows(), [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int16_t> patch(static_cast<std::size_t>(length));
        const std::int16_t* w = adjusted.data();
        const auto zeroPoint = static_cast<std::int16_t>(inputZp);
        Dot sums[4];
        for (std::int64_t row = begin; row < end; ++row) {
            const auto n = row / (g.out[0] * g.out[1]);
            const auto od = (row / g.out[1]) % g.out[0];
            const auto oy = row % g.out[1];
            const In* image = input + n * imageSize;
            Out* out = output + row * g.out[2] * oc;
            for (std::int64_t ox = 0; ox < g.out[2]; ++ox, out += oc) {
                gatherPatch(g, image, od, oy, ox, zeroPoint, patch.data());
                const std::int16_t* p = patch.data();
                std::int64_t c = 0;
                for (; c + 4 <= oc; c += 4) {
                    if constexpr (std::is_same_v<Dot, std::int32_t>)
                        dotProducts4(p, w + c * length, length, sums);
                    else
                        dotProduct4<Dot>(p, w + c * length, length, sums);
                    for (int j = 0; j < 4; ++j)
                        out[c + j] = storeAccumulator<Out>(static_cast<std::int64_t>(sums[j]) +
                                                           bias[static_cast<std::size_t>(c + j)]);
                }
                for (; c < oc; ++c) {
                    Dot sum = 0;
                    if constexpr (std::is_same_v<Dot, std::int32_t>)
                        sum = tosa::dotProduct(p, w + c * length, length);
                    else
                        sum = dotProduct<Dot>(p, w + c * length, length);
                    out[c] = storeAccumulator<Out>(static_cast<std::int64_t>(sum) +
                                                   bias[static_cast<std::size_t>(c)]);
                }
            }
        }
    });
}

template <typename Acc>
void convolveFloat(const KernelContext& ctx, const WindowGeometry& g, const float* input,
                   const float* weights, const std::vector<float>& bias, DType outType,
                   float* output) {
    const auto length = g.taps() * g.inChannels;
    const auto oc = g.outChannels;
    const auto imageSize = g.in[0] * g.in[1] * g.in[2] * g.inChannels;
    ctx.pool().parallelFor(g.outRows(), [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> patch(static_cast<std::size_t>(length));
        for (std::int64_t row = begin; row < end; ++row) {
            const auto n = row / (g.out[0] * g.out[1]);
            const auto od = (row / g.out[1]) % g.out[0];
            const auto oy = row % g.out[1];
            const float* image = input + n * imageSize;
            float* out = output + row * g.out[2] * oc;
            for (std::int64_t ox = 0; ox < g.out[2]; ++ox, out += oc) {
                gatherPatch(g, image, od, oy, ox, 0.0f, patch.data());
                const float* p = patch.data();
                for (std::int64_t c = 0; c < oc; ++c)
                    out[c] = finishFloat(
                        outType,
                        static_cast<float>(dotProduct<Acc>(p, weights + c * length, length)),
                        bias[static_cast<std::size_t>(c)]);
            }
        }
    });
}

// Runs an integer or float convolution whose geometry and operands are known.
void runConvolution(KernelContext& ctx, const WindowGeometry& g, const Tensor& input,
                    const Tensor& weight, const ConvOperands& operands, std::size_t biasOperand,
                    const Shape& outShape) {
    checkOutputShape(ctx, 0, outShape);
    const auto length = g.taps() * g.inChannels;
    if (operands.kind == ConvKind::Float) {
        const auto in = floatsOf(ctx, input);
        const auto w = floatsOf(ctx, weight);
        const auto bias = biasValues<float>(ctx, biasOperand, g.outChannels);
        auto out = floatBuffer(ctx, outShape);
        if (operands.halfAccumulator)
            convolveFloat<HalfAccumulator>(ctx, g, in.data(), w.data(), bias, operands.outType,
                                           out.data());
        else
            convolveFloat<float>(ctx, g, in.data(), w.data(), bias, operands.outType, out.data());
        ctx.setOutput(0, floatTensor(ctx, operands.outType, outShape, out));
        return;
    }
    const auto bias = biasValues<std::int64_t>(ctx, biasOperand, g.outChannels);
    Tensor output(operands.outType, outShape);
    if (operands.kind == ConvKind::Int8) {
        auto out = output.mutableElements<std::int32_t>().data();
        const auto* in = input.elements<std::int8_t>().data();
        const auto* w = weight.elements<std::int8_t>().data();
        // |(x - xz)(w - wz)| <= 255 * 255, so int32 sums are exact below 2^15 products.
        if (length < (1 << 15))
            convolveInteger<std::int8_t, std::int32_t>(ctx, g, in, w, bias, operands.inputZp,
                                                       operands.weightZp, out);
        else
            convolveInteger<std::int8_t, std::int64_t>(ctx, g, in, w, bias, operands.inputZp,
                                                       operands.weightZp, out);
    } else {
        convolveInteger<std::int16_t, std::int64_t>(
            ctx, g, input.elements<std::int16_t>().data(), weight.elements<std::int8_t>().data(),
            bias, 0, operands.weightZp, output.mutableElements<std::int64_t>().data());
    }
    ctx.setOutput(0, std::move(output));
}

// CONV2D (spatialAxes 2, NHWC / OHWI) and CONV3D (3, NDHWC / ODHWI).
void convolution(KernelContext& ctx, std::size_t spatialAxes) {
    const auto& input = ctx.input(0);
    const auto& weight = ctx.input(1);
    const auto rank = spatialAxes + 2;
    requireRank(ctx, input, rank, "input");
    requireRank(ctx, weight, rank, "weight");
    WindowGeometry g;
    const auto first = 3 - spatialAxes;
    g.batch = input.dim(0);
    g.inChannels = input.dim(rank - 1);
    g.outChannels = weight.dim(0);
    for (std::size_t axis = 0; axis < spatialAxes; ++axis) {
        g.in[first + axis] = input.dim(1 + axis);
        g.kernel[first + axis] = weight.dim(1 + axis);
    }
    if (weight.dim(rank - 1) != g.inChannels)
        ctx.fail("weight " + weight.typeText() + " does not match input channels of " +
                 input.typeText());
    completeWindow(ctx, g, spatialAxes, true);
    Shape outShape{g.batch};
    for (std::size_t axis = 0; axis < spatialAxes; ++axis)
        outShape.push_back(g.out[first + axis]);
    outShape.push_back(g.outChannels);
    runConvolution(ctx, g, input, weight, convOperands(ctx, input, weight, 3), 2, outShape);
}

// TOSA 0.80 FULLY_CONNECTED: [N, IC] x [OC, IC] -> [N, OC], a 1x1 convolution over N pixels.
void fullyConnected(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& weight = ctx.input(1);
    requireRank(ctx, input, 2, "input");
    requireRank(ctx, weight, 2, "weight");
    if (weight.dim(1) != input.dim(1))
        ctx.fail("weight " + weight.typeText() + " does not match input " + input.typeText());
    WindowGeometry g;
    g.batch = input.dim(0);
    g.inChannels = input.dim(1);
    g.outChannels = weight.dim(0);
    runConvolution(ctx, g, input, weight, convOperands(ctx, input, weight, 3), 2,
                   {g.batch, g.outChannels});
}

// Depthwise: input [N,H,W,C], weights [KH,KW,C,M], output channel c*M + m.
template <typename In, typename Acc, typename WeightValue, typename Store>
void depthwiseRows(const KernelContext& ctx, const WindowGeometry& g, const In* input,
                   const std::vector<WeightValue>& weights, Acc inputZp, std::int64_t multiplier,
                   const Store& store) {
    const auto channels = g.inChannels;
    const auto oc = g.outChannels;
    ctx.pool().parallelFor(g.outRows(), [&](std::int64_t begin, std::int64_t end) {
        std::vector<Acc> acc(static_cast<std::size_t>(oc));
        for (std::int64_t row = begin; row < end; ++row) {
            const auto n = row / g.out[1];
            const auto oy = row % g.out[1];
            const In* image = input + n * g.in[1] * g.in[2] * channels;
            for (std::int64_t ox = 0; ox < g.out[2]; ++ox) {
                std::fill(acc.begin(), acc.end(), Acc{});
                Acc* a = acc.data();
                for (std::int64_t ky = 0; ky < g.kernel[1]; ++ky) {
                    const auto y = oy * g.stride[1] - g.padBefore[1] + ky * g.dilation[1];
                    if (y < 0 || y >= g.in[1]) continue;
                    for (std::int64_t kx = 0; kx < g.kernel[2]; ++kx) {
                        const auto x = ox * g.stride[2] - g.padBefore[2] + kx * g.dilation[2];
                        if (x < 0 || x >= g.in[2]) continue;
                        const In* pixel = image + (y * g.in[2] + x) * channels;
                        const WeightValue* w =
                            weights.data() + (ky * g.kernel[2] + kx) * channels * multiplier;
                        if constexpr (std::is_same_v<In, std::int8_t> &&
                                      std::is_same_v<Acc, std::int32_t>) {
                            if (multiplier == 1) {
                                accumulateDepthwise(a, pixel, static_cast<std::int16_t>(inputZp), w,
                                                    channels);
                                continue;
                            }
                        }
                        if (multiplier == 1) {
                            for (std::int64_t c = 0; c < channels; ++c)
                                a[c] +=
                                    (static_cast<Acc>(pixel[c]) - inputZp) * static_cast<Acc>(w[c]);
                        } else {
                            for (std::int64_t c = 0; c < channels; ++c) {
                                const auto value = static_cast<Acc>(pixel[c]) - inputZp;
                                for (std::int64_t m = 0; m < multiplier; ++m)
                                    a[c * multiplier + m] +=
                                        value * static_cast<Acc>(w[c * multiplier + m]);
                            }
                        }
                    }
                }
                store(row * g.out[2] + ox, a);
            }
        }
    });
}

void depthwiseConvolution(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& weight = ctx.input(1);
    requireRank(ctx, input, 4, "input");
    requireRank(ctx, weight, 4, "weight");
    if (weight.dim(2) != input.dim(3))
        ctx.fail("weight " + weight.typeText() + " [KH,KW,C,M] does not match input channels of " +
                 input.typeText());
    WindowGeometry g;
    g.batch = input.dim(0);
    g.in = {1, input.dim(1), input.dim(2)};
    g.kernel = {1, weight.dim(0), weight.dim(1)};
    g.inChannels = input.dim(3);
    const auto multiplier = weight.dim(3);
    g.outChannels = g.inChannels * multiplier;
    completeWindow(ctx, g, 2, true);
    const Shape outShape{g.batch, g.out[1], g.out[2], g.outChannels};
    checkOutputShape(ctx, 0, outShape);
    const auto operands = convOperands(ctx, input, weight, 3);
    const auto oc = g.outChannels;
    if (operands.kind == ConvKind::Float) {
        const auto in = floatsOf(ctx, input);
        const auto w = floatsOf(ctx, weight);
        const auto bias = biasValues<float>(ctx, 2, oc);
        auto out = floatBuffer(ctx, outShape);
        const auto run = [&]<typename Acc>() {
            const std::vector<Acc> weights(w.begin(), w.end());
            depthwiseRows<float, Acc, Acc>(ctx, g, in.data(), weights, Acc{}, multiplier,
                                           [&](std::int64_t pixel, const Acc* acc) {
                                               float* o = out.data() + pixel * oc;
                                               for (std::int64_t c = 0; c < oc; ++c)
                                                   o[c] = finishFloat(
                                                       operands.outType, static_cast<float>(acc[c]),
                                                       bias[static_cast<std::size_t>(c)]);
                                           });
        };
        if (operands.halfAccumulator)
            run.template operator()<HalfAccumulator>();
        else
            run.template operator()<float>();
        ctx.setOutput(0, floatTensor(ctx, operands.outType, outShape, out));
        return;
    }
    const auto bias = biasValues<std::int64_t>(ctx, 2, oc);
    const auto raw = weight.elements<std::int8_t>();
    std::vector<std::int16_t> adjusted(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i)
        adjusted[i] = static_cast<std::int16_t>(raw[i] - operands.weightZp);
    Tensor output(operands.outType, outShape);
    if (operands.kind == ConvKind::Int8 && g.taps() < (1 << 15)) {
        auto* out = output.mutableElements<std::int32_t>().data();
        std::vector<std::int32_t> bias32(bias.begin(), bias.end());
        depthwiseRows<std::int8_t, std::int32_t, std::int16_t>(
            ctx, g, input.elements<std::int8_t>().data(), adjusted,
            static_cast<std::int32_t>(operands.inputZp), multiplier,
            [&](std::int64_t pixel, const std::int32_t* acc) {
                std::int32_t* o = out + pixel * oc;
                for (std::int64_t c = 0; c < oc; ++c)
                    o[c] = static_cast<std::int32_t>(static_cast<std::uint32_t>(bias32[c]) +
                                                     static_cast<std::uint32_t>(acc[c]));
            });
    } else if (operands.kind == ConvKind::Int8) {
        auto* out = output.mutableElements<std::int32_t>().data();
        depthwiseRows<std::int8_t, std::int64_t, std::int16_t>(
            ctx, g, input.elements<std::int8_t>().data(), adjusted, operands.inputZp, multiplier,
            [&](std::int64_t pixel, const std::int64_t* acc) {
                for (std::int64_t c = 0; c < oc; ++c)
                    out[pixel * oc + c] = static_cast<std::int32_t>(bias[c] + acc[c]);
            });
    } else {
        auto* out = output.mutableElements<std::int64_t>().data();
        depthwiseRows<std::int16_t, std::int64_t, std::int16_t>(
            ctx, g, input.elements<std::int16_t>().data(), adjusted, 0, multiplier,
            [&](std::int64_t pixel, const std::int64_t* acc) {
                for (std::int64_t c = 0; c < oc; ++c)
                    out[pixel * oc + c] = saturateTo<std::int64_t>(bias[c] + acc[c]);
            });
    }
    ctx.setOutput(0, std::move(output));
}

// TRANSPOSE_CONV2D computed by gathering: output (oy, ox) takes input (iy, ix) through tap
// (ky, kx) when oy = iy * stride_y + out_pad_top + ky (and likewise for x).
template <typename Acc, typename In, typename Store>
void transposeRows(const KernelContext& ctx, const WindowGeometry& g, const In* input,
                   const std::vector<Acc>& weights, Acc inputZp, std::int64_t padTop,
                   std::int64_t padLeft, const Store& store) {
    const auto ic = g.inChannels;
    const auto oc = g.outChannels;
    ctx.pool().parallelFor(g.outRows(), [&](std::int64_t begin, std::int64_t end) {
        std::vector<Acc> acc(static_cast<std::size_t>(oc));
        std::vector<Acc> pixel(static_cast<std::size_t>(ic));
        for (std::int64_t row = begin; row < end; ++row) {
            const auto n = row / g.out[1];
            const auto oy = row % g.out[1];
            for (std::int64_t ox = 0; ox < g.out[2]; ++ox) {
                std::fill(acc.begin(), acc.end(), Acc{});
                for (std::int64_t ky = 0; ky < g.kernel[1]; ++ky) {
                    const auto y = oy - padTop - ky;
                    if (y < 0 || y % g.stride[1] != 0 || y / g.stride[1] >= g.in[1]) continue;
                    for (std::int64_t kx = 0; kx < g.kernel[2]; ++kx) {
                        const auto x = ox - padLeft - kx;
                        if (x < 0 || x % g.stride[2] != 0 || x / g.stride[2] >= g.in[2]) continue;
                        const In* source =
                            input +
                            ((n * g.in[1] + y / g.stride[1]) * g.in[2] + x / g.stride[2]) * ic;
                        for (std::int64_t i = 0; i < ic; ++i)
                            pixel[static_cast<std::size_t>(i)] =
                                static_cast<Acc>(source[i]) - inputZp;
                        for (std::int64_t c = 0; c < oc; ++c) {
                            const Acc* w =
                                weights.data() + ((c * g.kernel[1] + ky) * g.kernel[2] + kx) * ic;
                            if constexpr (std::is_same_v<Acc, HalfAccumulator>) {
                                // fp16 adds every product to the accumulator in turn.
                                for (std::int64_t i = 0; i < ic; ++i)
                                    acc[static_cast<std::size_t>(c)] +=
                                        pixel[static_cast<std::size_t>(i)] * w[i];
                                continue;
                            }
                            Acc sum{};
                            for (std::int64_t i = 0; i < ic; ++i)
                                sum += pixel[static_cast<std::size_t>(i)] * w[i];
                            acc[static_cast<std::size_t>(c)] += sum;
                        }
                    }
                }
                store(row * g.out[2] + ox, acc.data());
            }
        }
    });
}

void transposeConvolution(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto& weight = ctx.input(1);
    requireRank(ctx, input, 4, "input");
    requireRank(ctx, weight, 4, "weight");
    if (weight.dim(3) != input.dim(3))
        ctx.fail("weight " + weight.typeText() + " does not match input channels of " +
                 input.typeText());
    const auto outPad = sizedInts(ctx, "out_pad", 4);
    const auto stride = sizedInts(ctx, "stride", 2);
    if (stride[0] < 1 || stride[1] < 1 || stride[0] > (1 << 20) || stride[1] > (1 << 20))
        ctx.fail("stride must be at least 1");
    for (const auto pad : outPad)
        if (pad < -(1 << 20) || pad > (1 << 20)) ctx.fail("out_pad is out of range");
    WindowGeometry g;
    g.batch = input.dim(0);
    g.in = {1, input.dim(1), input.dim(2)};
    g.kernel = {1, weight.dim(1), weight.dim(2)};
    g.stride = {1, stride[0], stride[1]};
    g.inChannels = input.dim(3);
    g.outChannels = weight.dim(0);
    g.out = {1, (g.in[1] - 1) * stride[0] + outPad[0] + outPad[1] + g.kernel[1],
             (g.in[2] - 1) * stride[1] + outPad[2] + outPad[3] + g.kernel[2]};
    if (g.out[1] < 1 || g.out[2] < 1) ctx.fail("output would be empty");
    const Shape outShape{g.batch, g.out[1], g.out[2], g.outChannels};
    checkOutputShape(ctx, 0, outShape);
    const auto operands = convOperands(ctx, input, weight, 3);
    const auto oc = g.outChannels;
    if (operands.kind == ConvKind::Float) {
        const auto in = floatsOf(ctx, input);
        const auto w = floatsOf(ctx, weight);
        const auto bias = biasValues<float>(ctx, 2, oc);
        auto out = floatBuffer(ctx, outShape);
        const auto run = [&]<typename Acc>() {
            const std::vector<Acc> weights(w.begin(), w.end());
            transposeRows<Acc>(ctx, g, in.data(), weights, Acc{}, outPad[0], outPad[2],
                               [&](std::int64_t pixel, const Acc* acc) {
                                   for (std::int64_t c = 0; c < oc; ++c)
                                       out[static_cast<std::size_t>(pixel * oc + c)] =
                                           finishFloat(operands.outType, static_cast<float>(acc[c]),
                                                       bias[static_cast<std::size_t>(c)]);
                               });
        };
        if (operands.halfAccumulator)
            run.template operator()<HalfAccumulator>();
        else
            run.template operator()<float>();
        ctx.setOutput(0, floatTensor(ctx, operands.outType, outShape, out));
        return;
    }
    const auto bias = biasValues<std::int64_t>(ctx, 2, oc);
    const auto raw = weight.elements<std::int8_t>();
    std::vector<std::int64_t> adjusted(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i)
        adjusted[i] = raw[i] - operands.weightZp;
    Tensor output(operands.outType, outShape);
    const bool wide = operands.kind == ConvKind::Int16;
    auto* out48 = wide ? output.mutableElements<std::int64_t>().data() : nullptr;
    auto* out32 = wide ? nullptr : output.mutableElements<std::int32_t>().data();
    const auto store = [&](std::int64_t pixel, const std::int64_t* acc) {
        for (std::int64_t c = 0; c < oc; ++c) {
            const auto value = acc[c] + bias[static_cast<std::size_t>(c)];
            if (wide)
                out48[pixel * oc + c] = saturateTo<std::int64_t>(value);
            else
                out32[pixel * oc + c] = static_cast<std::int32_t>(value);
        }
    };
    if (wide)
        transposeRows<std::int64_t>(ctx, g, input.elements<std::int16_t>().data(), adjusted, 0,
                                    outPad[0], outPad[2], store);
    else
        transposeRows<std::int64_t>(ctx, g, input.elements<std::int8_t>().data(), adjusted,
                                    operands.inputZp, outPad[0], outPad[2], store);
    ctx.setOutput(0, std::move(output));
}

// MATMUL: A [N,H,C] x B [N,C,W] -> [N,H,W].
void matmul(KernelContext& ctx) {
    const auto& a = ctx.input(0);
    const auto& b = ctx.input(1);
    requireRank(ctx, a, 3, "A");
    requireRank(ctx, b, 3, "B");
    if (a.dim(0) != b.dim(0) || a.dim(2) != b.dim(1))
        ctx.fail("cannot multiply " + a.typeText() + " by " + b.typeText());
    const auto batches = a.dim(0), rows = a.dim(1), inner = a.dim(2), cols = b.dim(2);
    const Shape outShape{batches, rows, cols};
    checkOutputShape(ctx, 0, outShape);
    if (isTosaFloat(a.dtype()) || isTosaFloat8(a.dtype())) {
        // fp8 operands accumulate in their fp16 or fp32 output.
        const auto outType =
            outputType(ctx, 0, isTosaFloat8(a.dtype()) ? DType::Float16 : a.dtype());
        const bool halfAccumulator = outType == DType::Float16;
        const auto x = floatsOf(ctx, a);
        const auto y = floatsOf(ctx, b);
        auto out = floatBuffer(ctx, outShape);
        ctx.pool().parallelFor(batches * rows, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t r = begin; r < end; ++r) {
                const auto n = r / rows;
                float* o = out.data() + r * cols;
                for (std::int64_t c = 0; c < inner; ++c) {
                    const float value = x[static_cast<std::size_t>(r * inner + c)];
                    const float* brow = y.data() + (n * inner + c) * cols;
                    if (halfAccumulator) {
                        // An fp16 output is the accumulator: every product and sum rounds.
                        for (std::int64_t w = 0; w < cols; ++w)
                            o[w] = roundToHalf(o[w] + roundToHalf(value * brow[w]));
                        continue;
                    }
                    for (std::int64_t w = 0; w < cols; ++w)
                        o[w] += value * brow[w];
                }
                for (std::int64_t w = 0; w < cols; ++w)
                    o[w] = roundToFloatType(outType, o[w]);
            }
        });
        ctx.setOutput(0, floatTensor(ctx, outType, outShape, out));
        return;
    }
    const bool wide = a.dtype() == DType::Int16;
    if (!(a.dtype() == DType::Int8 && b.dtype() == DType::Int8) &&
        !(wide && b.dtype() == DType::Int16))
        ctx.fail("unsupported operand types " + a.typeText() + " and " + b.typeText());
    const auto aZp = zeroPoint(ctx, 2, "a_zp");
    const auto bZp = zeroPoint(ctx, 3, "b_zp");
    if (wide && (aZp != 0 || bZp != 0)) ctx.fail("int16 zero points must be 0");
    const auto x = integersOf(ctx, a);
    const auto y = integersOf(ctx, b);
    Tensor output(wide ? DType::Int48 : DType::Int32, outShape);
    auto* out48 = wide ? output.mutableElements<std::int64_t>().data() : nullptr;
    auto* out32 = wide ? nullptr : output.mutableElements<std::int32_t>().data();
    ctx.pool().parallelFor(batches * rows, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int64_t> acc(static_cast<std::size_t>(cols));
        for (std::int64_t r = begin; r < end; ++r) {
            const auto n = r / rows;
            std::fill(acc.begin(), acc.end(), 0);
            for (std::int64_t c = 0; c < inner; ++c) {
                const auto value = x[static_cast<std::size_t>(r * inner + c)] - aZp;
                const auto* brow = y.data() + (n * inner + c) * cols;
                for (std::int64_t w = 0; w < cols; ++w)
                    acc[static_cast<std::size_t>(w)] += value * (brow[w] - bZp);
            }
            for (std::int64_t w = 0; w < cols; ++w) {
                const auto value = acc[static_cast<std::size_t>(w)];
                if (wide)
                    out48[r * cols + w] = saturateTo<std::int64_t>(value);
                else
                    out32[r * cols + w] = static_cast<std::int32_t>(value);
            }
        }
    });
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addConvolutionKernels(KernelRegistry& registry) {
    registry.add("tosa.CONV2D", [](KernelContext& ctx) { convolution(ctx, 2); });
    registry.add("tosa.CONV3D", [](KernelContext& ctx) { convolution(ctx, 3); });
    registry.add("tosa.DEPTHWISE_CONV2D", depthwiseConvolution);
    registry.add("tosa.TRANSPOSE_CONV2D", transposeConvolution);
    registry.add("tosa.FULLY_CONNECTED", fullyConnected);
    registry.add("tosa.MATMUL", matmul);
}

} // namespace pteron::runtime::tosa
