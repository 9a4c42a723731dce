// cortex_m::quantize_per_tensor and dequantize_per_tensor: the same affine rules as
// quantized_decomposed (x * (1/scale) rounded half to even; (q - zp) * scale in fp32).
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"
#include "runtime/kernels/quantized/affine_quantization.hpp"

namespace pteron::runtime::cortex_m {

namespace {

// (input, scale, zero_point, quant_min, quant_max, dtype)
void quantize(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto inverse = 1.0f / static_cast<float>(aten::doubleArgument(ctx, 1));
    const auto zp = aten::intArgument(ctx, 2);
    const auto qmin = std::max<std::int64_t>(aten::intArgument(ctx, 3), -128);
    const auto qmax = std::min<std::int64_t>(aten::intArgument(ctx, 4), 127);
    if (qmin > qmax) ctx.fail("quant_min exceeds quant_max");
    const auto x = aten::elementsAs<float>(input);
    std::vector<std::int8_t> q(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        q[i] = static_cast<std::int8_t>(quantized::quantizeValue(x[i], inverse, zp, qmin, qmax));
    aten::setResult(ctx, 0, aten::tensorFrom<std::int8_t>(DType::Int8, input.shape(), q));
}

void dequantize(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    if (input.dtype() != DType::Int8) ctx.fail("expects int8, given " + input.typeText());
    const auto scale = static_cast<float>(aten::doubleArgument(ctx, 1));
    const auto zp = aten::intArgument(ctx, 2);
    const auto q = aten::storageOf<std::int8_t>(input);
    std::vector<float> x(q.size());
    for (std::size_t i = 0; i < q.size(); ++i)
        x[i] = quantized::dequantizeValue(q[i], zp, scale);
    aten::setResult(ctx, 0, aten::tensorFrom<float>(DType::Float32, input.shape(), x));
}

} // namespace

void addCortexMQuantizeKernels(KernelRegistry& registry) {
    registry.add("cortex_m::quantize_per_tensor.out", quantize);
    registry.add("cortex_m::dequantize_per_tensor.out", dequantize);
}

} // namespace pteron::runtime::cortex_m
