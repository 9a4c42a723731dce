// TOSA 1.1 block-scaled casts: CAST_FROM_BLOCK_SCALED multiplies each element by its block's
// FP8UE8M0 scale (2^(bits - 127), 0xFF NaN) in fp32 and rounds to the output type;
// CAST_TO_BLOCK_SCALED picks each block's scale from its largest magnitude (calc_block_scale)
// and rounds element / scale to the block type. Blocks run along the innermost axis. Element
// types held here: FP8E4M3, FP8E5M2 and (from) MXINT8 (int8 times 2^-6); the packed FP6/FP4
// types are not.
#include "runtime/float8.hpp"
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

std::vector<float> blockElements(const KernelContext& ctx, const Tensor& tensor) {
    if (tensor.dtype() == DType::MXInt8) {
        const auto raw = tensor.elements<std::int8_t>();
        std::vector<float> values(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i)
            values[i] = std::ldexp(static_cast<float>(raw[i]), -6);
        return values;
    }
    if (!isTosaFloat8(tensor.dtype()))
        ctx.fail("block element type " + std::string(dtypeName(tensor.dtype())) +
                 " is not one this runtime holds (FP8E4M3, FP8E5M2, MXINT8)");
    return floatsOf(ctx, tensor);
}

std::int64_t blockSize(const KernelContext& ctx, const Tensor& data) {
    const auto size = ctx.intAttribute("block_size");
    if (size <= 0 || data.rank() == 0 || data.shape().back() % size != 0)
        ctx.fail("the innermost axis of " + data.typeText() +
                 " is not a whole number of blocks of " + std::to_string(size));
    return size;
}

Shape scaleShape(const Tensor& data, std::int64_t block) {
    Shape shape = data.shape();
    shape.back() /= block;
    return shape;
}

void castFromBlockScaled(KernelContext& ctx) {
    const auto& data = ctx.input(0);
    const auto& scales = ctx.input(1);
    const auto block = blockSize(ctx, data);
    if (scales.dtype() != DType::Float8E8M0 || scales.shape() != scaleShape(data, block))
        ctx.fail("scales must be fp8ue8m0" + shapeText(scaleShape(data, block)) + ", given " +
                 scales.typeText());
    auto values = blockElements(ctx, data);
    const auto scaleBits = scales.elements<std::uint8_t>();
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] *= scaleValue(scaleBits[i / static_cast<std::size_t>(block)]);
    const auto outType = outputType(ctx, 0, DType::Float32);
    if (!isTosaFloat(outType)) ctx.fail("the output must be fp32, fp16 or bf16");
    checkOutputShape(ctx, 0, data.shape());
    ctx.setOutput(0, floatTensor(ctx, outType, data.shape(), values));
}

// calc_block_scale: 2^ceil(log2(max / largest)) for FP8E4M3, else 2^(floor(log2(max /
// largest)) + 1), clipped to the scale type's normal range; 2^-127 for an all-zero block.
std::uint8_t blockScale(float maxAbs, DType blockType) {
    if (std::isnan(maxAbs) || std::isinf(maxAbs)) return kScaleNaN;
    if (maxAbs == 0) return 0;
    const double largest = blockType == DType::Float8E4M3FN ? 448.0 : 57344.0;
    const double ratio = std::log2(static_cast<double>(maxAbs) / largest);
    const double exponent =
        blockType == DType::Float8E4M3FN ? std::ceil(ratio) : std::floor(ratio) + 1;
    const double clipped = std::clamp(exponent, double(-kScaleBias), double(kScaleBias));
    return static_cast<std::uint8_t>(static_cast<int>(clipped) + kScaleBias);
}

void castToBlockScaled(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto values = floatsOf(ctx, input);
    if (!isTosaFloat(input.dtype())) ctx.fail("the input must be fp32, fp16 or bf16");
    const auto block = blockSize(ctx, input);
    const auto outType = outputType(ctx, 0, DType::Unknown);
    if (!isTosaFloat8(outType))
        ctx.fail("block type " + std::string(dtypeName(outType)) +
                 " is not one this runtime holds (FP8E4M3, FP8E5M2)");
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
    ctx.setOutput(0, floatTensor(ctx, outType, input.shape(), scaled));
    ctx.setOutput(1, std::move(scales));
}

} // namespace

void addBlockScaledKernels(KernelRegistry& registry) {
    registry.add("tosa.CAST_FROM_BLOCK_SCALED", castFromBlockScaled);
    registry.add("tosa.CAST_TO_BLOCK_SCALED", castToBlockScaled);
}

} // namespace pteron::runtime::tosa
