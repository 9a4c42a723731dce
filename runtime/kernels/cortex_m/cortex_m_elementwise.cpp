// cortex_m::quantized_add (arm_elementwise_add_s8 with a left shift of 20), quantized_mul
// (arm_elementwise_mul_s8), minimum and maximum on int8 tensors of one shape.
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/cortex_m/cmsis_requantize.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

namespace pteron::runtime::cortex_m {

namespace {

std::pair<Tensor, Tensor> sameShapeInputs(const KernelContext& ctx, std::size_t first,
                                          std::size_t second) {
    auto a = aten::contiguousInput(ctx, first);
    auto b = aten::contiguousInput(ctx, second);
    if (a.dtype() != DType::Int8 || b.dtype() != DType::Int8 || a.shape() != b.shape())
        ctx.fail("expects two int8 tensors of one shape, given " + a.typeText() + " and " +
                 b.typeText());
    return {a, b};
}

std::int32_t int32Argument(const KernelContext& ctx, std::size_t index) {
    const auto value = aten::intArgument(ctx, index);
    if (value < INT32_MIN || value > INT32_MAX)
        ctx.fail("argument " + std::to_string(index) + " is out of range");
    return static_cast<std::int32_t>(value);
}

std::int32_t shiftArgument(const KernelContext& ctx, std::size_t index) {
    const auto shift = int32Argument(ctx, index);
    if (!validShift(shift))
        ctx.fail("requantisation shift " + std::to_string(shift) + " is outside [-31, 30]");
    return shift;
}

void store(KernelContext& ctx, const Shape& shape, const std::vector<std::int8_t>& values) {
    aten::setResult(ctx, 0, aten::tensorFrom<std::int8_t>(DType::Int8, shape, values));
}

// (self, self_zp, self_mult, self_shift, other, other_zp, other_mult, other_shift, out_zp,
//  out_mult, out_shift[, activation_min, activation_max])
void add(KernelContext& ctx) {
    const auto [a, b] = sameShapeInputs(ctx, 0, 4);
    const auto offsetA = -int32Argument(ctx, 1), multA = int32Argument(ctx, 2),
               shiftA = shiftArgument(ctx, 3);
    const auto offsetB = -int32Argument(ctx, 5), multB = int32Argument(ctx, 6),
               shiftB = shiftArgument(ctx, 7);
    const auto outZp = int32Argument(ctx, 8), outMult = int32Argument(ctx, 9),
               outShift = shiftArgument(ctx, 10);
    const auto low = aten::hasArgument(ctx, 11) ? int32Argument(ctx, 11) : -128;
    const auto high = aten::hasArgument(ctx, 12) ? int32Argument(ctx, 12) : 127;
    constexpr std::int32_t leftShift = 20;
    const auto x = aten::storageOf<std::int8_t>(a);
    const auto y = aten::storageOf<std::int8_t>(b);
    std::vector<std::int8_t> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto p = armNnRequantize((x[i] + offsetA) * (1 << leftShift), multA, shiftA);
        const auto q = armNnRequantize((y[i] + offsetB) * (1 << leftShift), multB, shiftB);
        const auto sum = static_cast<std::int32_t>(static_cast<std::uint32_t>(p) +
                                                   static_cast<std::uint32_t>(q));
        const auto result = armNnRequantize(sum, outMult, outShift) + outZp;
        out[i] = clampToInt8(result, low, high);
    }
    store(ctx, a.shape(), out);
}

// (self, self_zp, other, other_zp, out_zp, out_mult, out_shift)
void multiply(KernelContext& ctx) {
    const auto [a, b] = sameShapeInputs(ctx, 0, 2);
    const auto offsetA = -int32Argument(ctx, 1), offsetB = -int32Argument(ctx, 3);
    const auto outZp = int32Argument(ctx, 4), outMult = int32Argument(ctx, 5),
               outShift = shiftArgument(ctx, 6);
    const auto x = aten::storageOf<std::int8_t>(a);
    const auto y = aten::storageOf<std::int8_t>(b);
    std::vector<std::int8_t> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto product = (x[i] + offsetA) * (y[i] + offsetB);
        out[i] = clampToInt8(armNnRequantize(product, outMult, outShift) + outZp, -128, 127);
    }
    store(ctx, a.shape(), out);
}

void extreme(KernelContext& ctx, bool maximum) {
    const auto [a, b] = sameShapeInputs(ctx, 0, 1);
    const auto x = aten::storageOf<std::int8_t>(a);
    const auto y = aten::storageOf<std::int8_t>(b);
    std::vector<std::int8_t> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = maximum ? std::max(x[i], y[i]) : std::min(x[i], y[i]);
    store(ctx, a.shape(), out);
}

} // namespace

void addCortexMElementwiseKernels(KernelRegistry& registry) {
    registry.add("cortex_m::quantized_add.out", add);
    registry.add("cortex_m::quantized_mul.out", multiply);
    registry.add("cortex_m::maximum.out", [](KernelContext& ctx) { extreme(ctx, true); });
    registry.add("cortex_m::minimum.out", [](KernelContext& ctx) { extreme(ctx, false); });
}

} // namespace pteron::runtime::cortex_m
