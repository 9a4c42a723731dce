// quantized_decomposed::quantize_* / dequantize_* per tensor, per channel and per token, and
// choose_qparams, as ExecuTorch's kernels/quantized/cpu defines them.
#include "runtime/kernel_context.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/aten/type_promotion.hpp"
#include "runtime/kernels/quantized/affine_quantization.hpp"
#include "runtime/kernels/quantized/quantized_family.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pteron::runtime::quantized {

namespace {

using aten::elementsAs;
using aten::tensorFrom;

// Per-element (scale, zero point) for `channels` groups of `inner` elements, repeated `outer`
// times.
struct Grouping {
    std::int64_t outer = 1;
    std::int64_t channels = 1;
    std::int64_t inner = 1;
};

Grouping alongAxis(const KernelContext& ctx, const Shape& shape, std::int64_t axis) {
    const auto dim = aten::normalizeDim(ctx, axis, shape.size());
    Grouping grouping;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (d < dim)
            grouping.outer *= shape[d];
        else if (d == dim)
            grouping.channels = shape[d];
        else
            grouping.inner *= shape[d];
    }
    return grouping;
}

// Rows = every dimension but the last.
Grouping perToken(const Shape& shape) {
    Grouping grouping;
    for (std::size_t d = 0; d + 1 < shape.size(); ++d)
        grouping.channels *= shape[d];
    grouping.inner = shape.empty() ? 1 : shape.back();
    return grouping;
}

void checkRange(const KernelContext& ctx, std::int64_t qmin, std::int64_t qmax, DType dtype) {
    if (qmin > qmax)
        ctx.fail("quant_min " + std::to_string(qmin) + " exceeds quant_max " +
                 std::to_string(qmax));
    const auto dtypeRange = aten::visitDType(dtype, []<typename T>() -> std::pair<double, double> {
        if constexpr (std::is_integral_v<T>)
            return {double(std::numeric_limits<T>::lowest()),
                    double(std::numeric_limits<T>::max())};
        else
            return {-1e300, 1e300};
    });
    if (double(qmin) < dtypeRange.first || double(qmax) > dtypeRange.second)
        ctx.fail("quantisation range [" + std::to_string(qmin) + ", " + std::to_string(qmax) +
                 "] does not fit " + std::string(dtypeName(dtype)));
}

void quantize(KernelContext& ctx, const Tensor& input, const std::vector<double>& scales,
              const std::vector<std::int64_t>& zeroPoints, const Grouping& grouping,
              std::int64_t qmin, std::int64_t qmax) {
    const auto out = aten::outputType(ctx, 0, DType::Int8);
    checkRange(ctx, qmin, qmax, out);
    if (scales.size() != static_cast<std::size_t>(grouping.channels) ||
        zeroPoints.size() != scales.size())
        ctx.fail("expects " + std::to_string(grouping.channels) +
                 " scales and zero points, given " + std::to_string(scales.size()) + " and " +
                 std::to_string(zeroPoints.size()));
    const auto x = elementsAs<float>(input);
    std::vector<std::int64_t> q(x.size());
    std::size_t at = 0;
    for (std::int64_t o = 0; o < grouping.outer; ++o)
        for (std::int64_t c = 0; c < grouping.channels; ++c) {
            const float inverse = 1.0f / static_cast<float>(scales[static_cast<std::size_t>(c)]);
            const auto zp = zeroPoints[static_cast<std::size_t>(c)];
            for (std::int64_t i = 0; i < grouping.inner; ++i, ++at)
                q[at] = quantizeValue(x[at], inverse, zp, qmin, qmax);
        }
    aten::setResult(ctx, 0, tensorFrom<std::int64_t>(out, input.shape(), q));
}

void dequantize(KernelContext& ctx, const Tensor& input, const std::vector<double>& scales,
                const std::vector<std::int64_t>& zeroPoints, const Grouping& grouping,
                bool doubleProduct) {
    const auto out = aten::outputType(ctx, 0, DType::Float32);
    if (scales.size() != static_cast<std::size_t>(grouping.channels) ||
        zeroPoints.size() != scales.size())
        ctx.fail("expects " + std::to_string(grouping.channels) +
                 " scales and zero points, given " + std::to_string(scales.size()) + " and " +
                 std::to_string(zeroPoints.size()));
    if (!aten::isIntegralType(input.dtype(), false) && input.dtype() != DType::QInt8 &&
        input.dtype() != DType::QUInt8)
        ctx.fail("dequantize needs an integer input, given " + input.typeText());
    const auto q = elementsAs<std::int64_t>(input);
    std::vector<float> x(q.size());
    std::size_t at = 0;
    for (std::int64_t o = 0; o < grouping.outer; ++o)
        for (std::int64_t c = 0; c < grouping.channels; ++c) {
            const double scale = scales[static_cast<std::size_t>(c)];
            const auto zp = zeroPoints[static_cast<std::size_t>(c)];
            for (std::int64_t i = 0; i < grouping.inner; ++i, ++at)
                x[at] = doubleProduct ? static_cast<float>(static_cast<double>(q[at] - zp) * scale)
                                      : dequantizeValue(q[at], zp, static_cast<float>(scale));
        }
    aten::setResult(ctx, 0, tensorFrom<float>(out, input.shape(), x));
}

std::vector<double> doubles(const KernelContext& ctx, std::size_t index) {
    return elementsAs<double>(aten::contiguousInput(ctx, index));
}

std::vector<std::int64_t> integers(const KernelContext& ctx, std::size_t index, std::size_t count) {
    if (!aten::hasArgument(ctx, index)) return std::vector<std::int64_t>(count, 0);
    return elementsAs<std::int64_t>(aten::contiguousInput(ctx, index));
}

// (input, scale, zero_point, qmin, qmax, dtype) with scale/zero point as scalars or 1-element
// tensors.
void quantizePerTensor(KernelContext& ctx, bool tensorArgs) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto scales =
        tensorArgs ? doubles(ctx, 1) : std::vector<double>{aten::doubleArgument(ctx, 1)};
    const auto zps =
        tensorArgs ? integers(ctx, 2, 1) : std::vector<std::int64_t>{aten::intArgument(ctx, 2)};
    quantize(ctx, input, scales, zps, {1, 1, static_cast<std::int64_t>(input.elementCount())},
             aten::intArgument(ctx, 3), aten::intArgument(ctx, 4));
}

void dequantizePerTensor(KernelContext& ctx, bool tensorArgs) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto scales =
        tensorArgs ? doubles(ctx, 1) : std::vector<double>{aten::doubleArgument(ctx, 1)};
    const auto zps =
        tensorArgs ? integers(ctx, 2, 1) : std::vector<std::int64_t>{aten::intArgument(ctx, 2)};
    dequantize(ctx, input, scales, zps, {1, 1, static_cast<std::int64_t>(input.elementCount())},
               false);
}

// (input, scales, zero_points, axis, qmin, qmax, dtype)
void quantizePerChannel(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto grouping = alongAxis(ctx, input.shape(), aten::intArgument(ctx, 3));
    quantize(ctx, input, doubles(ctx, 1),
             integers(ctx, 2, static_cast<std::size_t>(grouping.channels)), grouping,
             aten::intArgument(ctx, 4), aten::intArgument(ctx, 5));
}

void dequantizePerChannel(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto grouping = alongAxis(ctx, input.shape(), aten::intArgument(ctx, 3));
    // ExecuTorch's int8 path multiplies in double before rounding to fp32.
    const bool doubleProduct =
        input.dtype() == DType::Int8 && aten::outputType(ctx, 0, DType::Float32) == DType::Float32;
    dequantize(ctx, input, doubles(ctx, 1),
               integers(ctx, 2, static_cast<std::size_t>(grouping.channels)), grouping,
               doubleProduct);
}

// (input, scales, zero_points, qmin, qmax, dtype): one (scale, zp) per row.
void quantizePerToken(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto grouping = perToken(input.shape());
    quantize(ctx, input, doubles(ctx, 1),
             integers(ctx, 2, static_cast<std::size_t>(grouping.channels)), grouping,
             aten::intArgument(ctx, 3), aten::intArgument(ctx, 4));
}

void dequantizePerToken(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto grouping = perToken(input.shape());
    dequantize(ctx, input, doubles(ctx, 1),
               integers(ctx, 2, static_cast<std::size_t>(grouping.channels)), grouping, false);
}

// choose_qparams: the asymmetric (scale, zero point) covering [min(x,0), max(x,0)].
std::pair<double, std::int64_t> chooseParameters(float minimum, float maximum, std::int64_t qmin,
                                                 std::int64_t qmax, double eps) {
    minimum = std::min(minimum, 0.0f);
    maximum = std::max(maximum, 0.0f);
    double scale = (static_cast<double>(maximum) - minimum) / static_cast<double>(qmax - qmin);
    if (static_cast<float>(scale) == 0.0f || std::isinf(1.0f / static_cast<float>(scale)))
        scale = 0.1;
    scale = std::max(scale, eps);
    const double zeroFromMin = static_cast<double>(qmin) - minimum / scale;
    const double zeroFromMax = static_cast<double>(qmax) - maximum / scale;
    const double errorFromMin = std::abs(static_cast<double>(qmin)) - std::abs(minimum / scale);
    const double errorFromMax = std::abs(static_cast<double>(qmax)) - std::abs(maximum / scale);
    const double initial = errorFromMin < errorFromMax ? zeroFromMin : zeroFromMax;
    std::int64_t zeroPoint = 0;
    if (initial < static_cast<double>(qmin))
        zeroPoint = qmin;
    else if (initial > static_cast<double>(qmax))
        zeroPoint = qmax;
    else
        zeroPoint = static_cast<std::int64_t>(std::nearbyint(static_cast<float>(initial)));
    return {scale, zeroPoint};
}

// choose_qparams.tensor_out(input, qmin, qmax, eps, dtype) -> (scale, zero_point)
void chooseQparams(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto x = elementsAs<float>(input);
    float minimum = 0, maximum = 0;
    if (!x.empty()) {
        const auto [low, high] = std::minmax_element(x.begin(), x.end());
        minimum = *low;
        maximum = *high;
    }
    const auto [scale, zp] =
        chooseParameters(minimum, maximum, aten::intArgument(ctx, 1), aten::intArgument(ctx, 2),
                         aten::doubleArgument(ctx, 3));
    aten::setResult(ctx, 0,
                    tensorFrom<double>(aten::outputType(ctx, 0, DType::Float64), {1},
                                       std::vector<double>{scale}));
    aten::setResult(ctx, 1,
                    tensorFrom<std::int64_t>(aten::outputType(ctx, 1, DType::Int64), {1},
                                             std::vector<std::int64_t>{zp}));
}

// choose_qparams_per_token_asymmetric.out(input, dtype) -> (scales, zero_points), int8 range.
void chooseQparamsPerToken(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto grouping = perToken(input.shape());
    const auto x = elementsAs<float>(input);
    std::vector<double> scales;
    std::vector<std::int64_t> zps;
    Shape shape = input.shape();
    if (!shape.empty()) shape.back() = 1;
    for (std::int64_t r = 0; r < grouping.channels; ++r) {
        const auto begin = x.begin() + r * grouping.inner;
        const auto [low, high] = std::minmax_element(begin, begin + grouping.inner);
        const float minimum = grouping.inner ? *low : 0.0f;
        const float maximum = grouping.inner ? *high : 0.0f;
        const auto [scale, zp] =
            chooseParameters(minimum, maximum, -128, 127, std::numeric_limits<float>::epsilon());
        scales.push_back(scale);
        zps.push_back(zp);
    }
    aten::setResult(ctx, 0,
                    tensorFrom<double>(aten::outputType(ctx, 0, DType::Float64), shape, scales));
    aten::setResult(ctx, 1,
                    tensorFrom<std::int64_t>(aten::outputType(ctx, 1, DType::Int64), shape, zps));
}

} // namespace

void addQuantizeKernels(KernelRegistry& registry) {
    const std::string prefix = "quantized_decomposed::";
    registry.add(prefix + "quantize_per_tensor.out",
                 [](KernelContext& ctx) { quantizePerTensor(ctx, false); });
    registry.add(prefix + "quantize_per_tensor.tensor_out",
                 [](KernelContext& ctx) { quantizePerTensor(ctx, true); });
    registry.add(prefix + "dequantize_per_tensor.out",
                 [](KernelContext& ctx) { dequantizePerTensor(ctx, false); });
    registry.add(prefix + "dequantize_per_tensor.tensor_out",
                 [](KernelContext& ctx) { dequantizePerTensor(ctx, true); });
    registry.add(prefix + "quantize_per_channel.out", quantizePerChannel);
    registry.add(prefix + "dequantize_per_channel.out", dequantizePerChannel);
    registry.add(prefix + "quantize_per_token.out", quantizePerToken);
    registry.add(prefix + "dequantize_per_token.out", dequantizePerToken);
    registry.add(prefix + "choose_qparams.tensor_out", chooseQparams);
    registry.add(prefix + "choose_qparams_per_token_asymmetric.out", chooseQparamsPerToken);
}

} // namespace pteron::runtime::quantized
