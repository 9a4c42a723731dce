// TOSA 1.1 block-scaled (OCP MX) operators. A block of block_size elements along the innermost
// axis shares one FP8UE8M0 scale (2^(bits - 127), 0xFF NaN); the element types are FP8E4M3,
// FP8E5M2, FP6E2M3, FP6E3M2, FP4E2M1 (one code per byte) and MXINT8 (int8 times 2^-6).
// CAST_FROM_BLOCK_SCALED multiplies each element by its block's scale in fp32 and rounds to the
// output type; CAST_TO_BLOCK_SCALED picks each block's scale from its largest magnitude
// (calc_block_scale) and rounds element / scale to the block type. MATMUL_T_BLOCK_SCALED and
// CONV2D_BLOCK_SCALED sum each block's products in fp32, multiply the block sum by the product of
// the two scales and add it to an fp32 accumulator, in the pseudo-code's order.
#include "runtime/kernels/tosa/tosa_convolution_geometry.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pteron::runtime::tosa {

namespace {

constexpr int kScaleBias = 127;
constexpr std::uint8_t kScaleNaN = 0xFF;

float scaleValue(std::uint8_t bits) {
    if (bits == kScaleNaN) return std::numeric_limits<float>::quiet_NaN();
    return std::ldexp(1.0f, int(bits) - kScaleBias);
}

bool isBlockElementType(DType type) {
    return isTosaFloat8(type) || isTosaMxFloat(type) || type == DType::MXInt8;
}

std::vector<float> blockElements(const KernelContext& ctx, const Tensor& tensor) {
    if (tensor.dtype() == DType::MXInt8) {
        const auto raw = tensor.elements<std::int8_t>();
        std::vector<float> values(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i)
            values[i] = std::ldexp(static_cast<float>(raw[i]), -6);
        return values;
    }
    if (!isBlockElementType(tensor.dtype()))
        ctx.fail("block element type " + std::string(dtypeName(tensor.dtype())) +
                 " is not one of FP8E4M3, FP8E5M2, FP6E2M3, FP6E3M2, FP4E2M1, MXINT8");
    return floatsOf(ctx, tensor);
}

std::vector<float> scalesOf(const Tensor& scales) {
    const auto bits = scales.elements<std::uint8_t>();
    std::vector<float> values(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i)
        values[i] = scaleValue(bits[i]);
    return values;
}

std::int64_t blockSize(const KernelContext& ctx) {
    const auto size = ctx.intAttribute("block_size");
    if (size <= 1) ctx.fail("block_size must be above 1, is " + std::to_string(size));
    return size;
}

std::int64_t blockSizeOf(const KernelContext& ctx, const Tensor& data) {
    const auto size = blockSize(ctx);
    if (data.rank() == 0 || data.shape().back() % size != 0)
        ctx.fail("the innermost axis of " + data.typeText() +
                 " is not a whole number of blocks of " + std::to_string(size));
    return size;
}

Shape scaleShape(const Tensor& data, std::int64_t block) {
    Shape shape = data.shape();
    shape.back() /= block;
    return shape;
}

void requireScales(const KernelContext& ctx, const Tensor& scales, const Shape& shape,
                   std::string_view what) {
    if (scales.dtype() != DType::Float8E8M0 || scales.shape() != shape)
        ctx.fail(std::string(what) + " must be fp8ue8m0" + shapeText(shape) + ", given " +
                 scales.typeText());
}

void castFromBlockScaled(KernelContext& ctx) {
    const auto& data = ctx.input(0);
    const auto& scales = ctx.input(1);
    const auto block = blockSizeOf(ctx, data);
    requireScales(ctx, scales, scaleShape(data, block), "scales");
    auto values = blockElements(ctx, data);
    const auto scale = scalesOf(scales);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] *= scale[i / static_cast<std::size_t>(block)];
    const auto outType = outputType(ctx, 0, DType::Float32);
    if (!isTosaFloat(outType)) ctx.fail("the output must be fp32, fp16 or bf16");
    checkOutputShape(ctx, 0, data.shape());
    ctx.setOutput(0, floatTensor(ctx, outType, data.shape(), values));
}

// normal_max and the number of fraction bits of a block element type.
std::pair<double, int> normalMaxAndFraction(DType type) {
    switch (type) {
    case DType::Float8E4M3FN:
        return {448.0, 3};
    case DType::Float8E5M2:
        return {57344.0, 2};
    case DType::Float6E2M3:
        return {7.5, 3};
    case DType::Float6E3M2:
        return {28.0, 2};
    case DType::Float4E2M1:
        return {6.0, 1};
    default: // MXINT8
        return {1.0 + 63.0 / 64.0, 0};
    }
}

// get_largest_value_rounding_to_normal_max: normal_max plus half its ulp, the largest magnitude
// that rounds without overflow.
double largestRoundingToNormalMax(DType type) {
    const auto [normalMax, fraction] = normalMaxAndFraction(type);
    const double ulp =
        type == DType::MXInt8 ? 1.0 / 64.0 : std::ldexp(1.0, std::ilogb(normalMax) - fraction);
    return normalMax + 0.5 * ulp;
}

// calc_block_scale: 2^ceil(log2(max / largest)) for FP8E4M3, else 2^(floor(log2(max /
// largest)) + 1), clipped to the scale type's normal range; 2^-127 for an all-zero block.
std::uint8_t blockScale(float maxAbs, DType blockType) {
    if (std::isnan(maxAbs) || std::isinf(maxAbs)) return kScaleNaN;
    if (maxAbs == 0) return 0;
    const double ratio =
        std::log2(static_cast<double>(maxAbs) / largestRoundingToNormalMax(blockType));
    const double exponent =
        blockType == DType::Float8E4M3FN ? std::ceil(ratio) : std::floor(ratio) + 1;
    const double clipped = std::clamp(exponent, double(-kScaleBias), double(kScaleBias));
    return static_cast<std::uint8_t>(static_cast<int>(clipped) + kScaleBias);
}

// round_to_nearest_float to MXINT8: the nearest multiple of 2^-6, ties to even, within int8.
Tensor mxInt8Tensor(const Shape& shape, std::span<const float> values) {
    Tensor tensor(DType::MXInt8, shape);
    auto out = tensor.mutableElements<std::int8_t>();
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float steps = std::isnan(values[i]) ? 0.0f : std::nearbyint(values[i] * 64.0f);
        out[i] = static_cast<std::int8_t>(std::clamp(steps, -128.0f, 127.0f));
    }
    return tensor;
}

void castToBlockScaled(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    if (!isTosaFloat(input.dtype())) ctx.fail("the input must be fp32, fp16 or bf16");
    const auto values = floatsOf(ctx, input);
    const auto block = blockSizeOf(ctx, input);
    const auto outType = outputType(ctx, 0, DType::Unknown);
    if (!isBlockElementType(outType))
        ctx.fail("block type " + std::string(dtypeName(outType)) +
                 " is not one of FP8E4M3, FP8E5M2, FP6E2M3, FP6E3M2, FP4E2M1, MXINT8");
    Tensor scales(DType::Float8E8M0, scaleShape(input, block));
    auto scaleBits = scales.mutableElements<std::uint8_t>();
    std::vector<float> scaled(values.size());
    const auto blockLength = static_cast<std::size_t>(block);
    for (std::size_t b = 0; b < scaleBits.size(); ++b) {
        float maxAbs = 0;
        for (std::size_t i = b * blockLength; i < (b + 1) * blockLength; ++i)
            maxAbs = std::isnan(values[i]) || std::isnan(maxAbs)
                         ? std::numeric_limits<float>::quiet_NaN()
                         : std::max(maxAbs, std::fabs(values[i]));
        scaleBits[b] = blockScale(maxAbs, outType);
        const float scale = scaleValue(scaleBits[b]);
        for (std::size_t i = b * blockLength; i < (b + 1) * blockLength; ++i)
            scaled[i] = values[i] / scale;
    }
    checkOutputShape(ctx, 0, input.shape());
    ctx.setOutput(0, outType == DType::MXInt8 ? mxInt8Tensor(input.shape(), scaled)
                                              : floatTensor(ctx, outType, input.shape(), scaled));
    ctx.setOutput(1, std::move(scales));
}

// One operand of a block-scaled product: element values and the scale of each block.
struct ScaledOperand {
    std::vector<float> values;
    std::vector<float> scales;
};

ScaledOperand scaledOperand(const KernelContext& ctx, std::size_t dataIndex, std::int64_t block,
                            std::size_t rank, std::string_view what) {
    const auto& data = ctx.input(dataIndex);
    const auto& scales = ctx.input(dataIndex + 1);
    requireRank(ctx, data, rank, what);
    if (data.shape().back() % block != 0)
        ctx.fail(std::string(what) + " " + data.typeText() +
                 " is not a whole number of blocks of " + std::to_string(block));
    requireScales(ctx, scales, scaleShape(data, block), std::string(what) + " scales");
    return {blockElements(ctx, data), scalesOf(scales)};
}

// The products of one block, summed in fp32 in order, times the product of the two scales.
float scaledBlockSum(const float* a, const float* b, std::int64_t block, float scaleA,
                     float scaleB) {
    float sum = 0;
    for (std::int64_t i = 0; i < block; ++i)
        sum += a[i] * b[i];
    return sum * (scaleA * scaleB);
}

// A_data [N,H,C], A_scale [N,H,C/bs], B_data [D,W,C], B_scale [D,W,C/bs] -> fp32 [N,H,W];
// D is N or 1 (B broadcast).
void matmulTBlockScaled(KernelContext& ctx) {
    const auto block = blockSize(ctx);
    const auto a = scaledOperand(ctx, 0, block, 3, "A");
    const auto b = scaledOperand(ctx, 2, block, 3, "B");
    const auto& aShape = ctx.input(0).shape();
    const auto& bShape = ctx.input(2).shape();
    const auto n = aShape[0], h = aShape[1], c = aShape[2];
    const auto d = bShape[0], w = bShape[1];
    if (bShape[2] != c) ctx.fail("A and B must share their innermost extent");
    if (d != n && d != 1) ctx.fail("B's batch must be A's or 1");
    if (outputType(ctx, 0, DType::Float32) != DType::Float32) ctx.fail("the output must be fp32");
    const Shape shape{n, h, w};
    checkOutputShape(ctx, 0, shape);
    auto out = floatBuffer(ctx, shape);
    const auto blocks = c / block;
    ctx.pool().parallelFor(n * h, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const auto batchB = d == 1 ? 0 : row / h;
            for (std::int64_t col = 0; col < w; ++col) {
                const auto rowB = batchB * w + col;
                float acc = 0;
                for (std::int64_t k = 0; k < blocks; ++k)
                    acc += scaledBlockSum(a.values.data() + row * c + k * block,
                                          b.values.data() + rowB * c + k * block, block,
                                          a.scales[static_cast<std::size_t>(row * blocks + k)],
                                          b.scales[static_cast<std::size_t>(rowB * blocks + k)]);
                out[static_cast<std::size_t>(row * w + col)] = acc;
            }
        }
    });
    ctx.setOutput(0, floatTensor(ctx, DType::Float32, shape, out));
}

std::vector<std::int64_t> listOperand(const KernelContext& ctx, std::size_t index,
                                      std::size_t count, std::string_view what) {
    if (!ctx.hasInput(index)) ctx.fail("needs its " + std::string(what) + " operand");
    auto values = integersOf(ctx, ctx.input(index));
    if (values.size() != count)
        ctx.fail(std::string(what) + " must have " + std::to_string(count) + " items, has " +
                 std::to_string(values.size()));
    return values;
}

// input_data [N,IH,IW,IC] and its scales, weight_data [OC,KH,KW,IC] and its scales, bias [BC],
// pad, stride, dilation (shape operands) -> fp32 [N,OH,OW,OC]. A tap in the padding adds
// nothing (its value is 0 and its input scale 1).
void conv2dBlockScaled(KernelContext& ctx) {
    const auto block = blockSize(ctx);
    const auto input = scaledOperand(ctx, 0, block, 4, "input");
    const auto weight = scaledOperand(ctx, 2, block, 4, "weight");
    const auto& inShape = ctx.input(0).shape();
    const auto& wShape = ctx.input(2).shape();
    if (wShape[3] != inShape[3]) ctx.fail("input and weight must have the same channels");
    const auto& biasTensor = ctx.input(4);
    requireRank(ctx, biasTensor, 1, "bias");
    requireType(ctx, biasTensor, DType::Float32, "bias");
    const auto bias = biasTensor.elements<float>();
    const auto outChannels = wShape[0];
    if (biasTensor.dim(0) != outChannels && biasTensor.dim(0) != 1)
        ctx.fail("bias must have 1 or " + std::to_string(outChannels) + " items");
    WindowGeometry g;
    g.batch = inShape[0];
    g.in = {1, inShape[1], inShape[2]};
    g.kernel = {1, wShape[1], wShape[2]};
    g.inChannels = inShape[3];
    g.outChannels = outChannels;
    completeWindow(ctx, g, listOperand(ctx, 5, 4, "pad"), listOperand(ctx, 6, 2, "stride"),
                   listOperand(ctx, 7, 2, "dilation"));
    if (outputType(ctx, 0, DType::Float32) != DType::Float32) ctx.fail("the output must be fp32");
    const Shape shape{g.batch, g.out[1], g.out[2], outChannels};
    checkOutputShape(ctx, 0, shape);
    auto out = floatBuffer(ctx, shape);
    const auto channels = g.inChannels;
    const auto blocks = channels / block;
    ctx.pool().parallelFor(g.outRows(), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const auto n = row / g.out[1];
            const auto oy = row % g.out[1];
            for (std::int64_t ox = 0; ox < g.out[2]; ++ox) {
                float* o = out.data() + (row * g.out[2] + ox) * outChannels;
                for (std::int64_t oc = 0; oc < outChannels; ++oc) {
                    float acc = 0;
                    for (std::int64_t ky = 0; ky < g.kernel[1]; ++ky) {
                        const auto y = oy * g.stride[1] - g.padBefore[1] + ky * g.dilation[1];
                        for (std::int64_t kx = 0; kx < g.kernel[2]; ++kx) {
                            const auto x = ox * g.stride[2] - g.padBefore[2] + kx * g.dilation[2];
                            if (y < 0 || y >= g.in[1] || x < 0 || x >= g.in[2]) continue;
                            const auto pixel = (n * g.in[1] + y) * g.in[2] + x;
                            const auto tap = (oc * g.kernel[1] + ky) * g.kernel[2] + kx;
                            for (std::int64_t k = 0; k < blocks; ++k)
                                acc += scaledBlockSum(
                                    input.values.data() + pixel * channels + k * block,
                                    weight.values.data() + tap * channels + k * block, block,
                                    input.scales[static_cast<std::size_t>(pixel * blocks + k)],
                                    weight.scales[static_cast<std::size_t>(tap * blocks + k)]);
                        }
                    }
                    o[oc] = acc + bias[bias.size() == 1 ? 0 : static_cast<std::size_t>(oc)];
                }
            }
        }
    });
    ctx.setOutput(0, floatTensor(ctx, DType::Float32, shape, out));
}

} // namespace

void addBlockScaledKernels(KernelRegistry& registry) {
    registry.add("tosa.CAST_FROM_BLOCK_SCALED", castFromBlockScaled);
    registry.add("tosa.CAST_TO_BLOCK_SCALED", castToBlockScaled);
    registry.add("tosa.MATMUL_T_BLOCK_SCALED", matmulTBlockScaled);
    registry.add("tosa.CONV2D_BLOCK_SCALED", conv2dBlockScaled);
}

} // namespace pteron::runtime::tosa
