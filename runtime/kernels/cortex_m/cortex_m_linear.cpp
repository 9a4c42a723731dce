// cortex_m::quantized_linear: int8 fully connected layer (arm_fully_connected_s8 and its
// per-channel variant): out = requantize(bias + Σ (x + input_offset) * (w + filter_offset))
// + output_offset, clamped; cortex_m::quantized_batch_matmul (arm_batch_matmul_s8): the same
// per batch with a transposed right-hand side and no bias.
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/cortex_m/cmsis_requantize.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

namespace pteron::runtime::cortex_m {

namespace {

// (input [..., in], weights [out, in], bias?, kernel_sum?, input_offset, filter_offset,
//  output_offset, requantize_multipliers[], requantize_shifts[], activation_max, activation_min)
void linear(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto& weights = aten::tensorArgument(ctx, 1);
    if (input.dtype() != DType::Int8 || weights.dtype() != DType::Int8 || weights.rank() != 2 ||
        input.rank() < 1)
        ctx.fail("expects int8 input [..., in] and weights [out, in], given " + input.typeText() +
                 " and " + weights.typeText());
    const auto outFeatures = weights.dim(0), inFeatures = weights.dim(1);
    if (input.dim(input.rank() - 1) != inFeatures)
        ctx.fail("input " + input.typeText() + " does not match weights " + weights.typeText());
    const auto rows = inFeatures ? static_cast<std::int64_t>(input.elementCount()) / inFeatures : 0;
    const auto bias = aten::hasArgument(ctx, 2)
                          ? int32Parameters(ctx, 2, outFeatures)
                          : std::vector<std::int32_t>(static_cast<std::size_t>(outFeatures), 0);
    const auto inputOffset = aten::intArgument(ctx, 4);
    const auto filterOffset = aten::intArgument(ctx, 5);
    const auto outputOffset = static_cast<std::int32_t>(aten::intArgument(ctx, 6));
    const auto multipliers = aten::intListArgument(ctx, 7);
    const auto shifts = aten::intListArgument(ctx, 8);
    const auto high =
        static_cast<std::int32_t>(std::clamp<std::int64_t>(aten::intArgument(ctx, 9), -128, 127));
    const auto low =
        static_cast<std::int32_t>(std::clamp<std::int64_t>(aten::intArgument(ctx, 10), -128, 127));
    if (low > high) ctx.fail("activation_min exceeds activation_max");
    const bool perChannel = multipliers.size() > 1;
    if (multipliers.empty() || multipliers.size() != shifts.size() ||
        (perChannel && static_cast<std::int64_t>(multipliers.size()) != outFeatures))
        ctx.fail("expects one multiplier and shift, or one per output feature");
    for (std::size_t i = 0; i < multipliers.size(); ++i)
        if (!validShift(shifts[i]) || multipliers[i] < INT32_MIN || multipliers[i] > INT32_MAX)
            ctx.fail("requantisation parameters out of range");
    const auto* x = reinterpret_cast<const std::int8_t*>(input.bytes().data());
    const auto* w = reinterpret_cast<const std::int8_t*>(weights.bytes().data());
    std::vector<std::int8_t> out(static_cast<std::size_t>(rows * outFeatures));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t o = 0; o < outFeatures; ++o) {
            std::int64_t acc = bias[static_cast<std::size_t>(o)];
            for (std::int64_t i = 0; i < inFeatures; ++i)
                acc +=
                    (x[r * inFeatures + i] + inputOffset) * (w[o * inFeatures + i] + filterOffset);
            const auto k = perChannel ? static_cast<std::size_t>(o) : 0;
            auto value = static_cast<std::int32_t>(
                static_cast<std::uint32_t>(static_cast<std::uint64_t>(acc)));
            value = armNnRequantize(value, static_cast<std::int32_t>(multipliers[k]),
                                    static_cast<std::int32_t>(shifts[k]));
            value = static_cast<std::int32_t>(static_cast<std::uint32_t>(value) +
                                              static_cast<std::uint32_t>(outputOffset));
            out[static_cast<std::size_t>(r * outFeatures + o)] = clampToInt8(value, low, high);
        }
    Shape shape = input.shape();
    shape.back() = outFeatures;
    aten::setResult(ctx, 0, aten::tensorFrom<std::int8_t>(DType::Int8, shape, out));
}

// (lhs [B, M, K], lhs_offset, rhs_transposed [B, N, K], rhs_offset, output_offset,
//  output_multiplier, output_shift, scratch): out[b, m, n] = requantize(Σ_k (lhs + lhs_offset)
//  x (rhs + rhs_offset)) + output_offset, clamped to int8.
void batchMatmul(KernelContext& ctx) {
    const auto lhs = aten::contiguousInput(ctx, 0);
    const auto rhs = aten::contiguousInput(ctx, 2);
    if (lhs.dtype() != DType::Int8 || rhs.dtype() != DType::Int8 || lhs.rank() != 3 ||
        rhs.rank() != 3 || lhs.dim(0) != rhs.dim(0) || lhs.dim(2) != rhs.dim(2))
        ctx.fail("expects int8 lhs [B, M, K] and transposed rhs [B, N, K], given " +
                 lhs.typeText() + " and " + rhs.typeText());
    const auto batches = lhs.dim(0), rows = lhs.dim(1), inner = lhs.dim(2), columns = rhs.dim(1);
    const auto lhsOffset = aten::intArgument(ctx, 1);
    const auto rhsOffset = aten::intArgument(ctx, 3);
    const auto outputOffset = aten::intArgument(ctx, 4);
    const auto multiplier = aten::intArgument(ctx, 5);
    const auto shift = aten::intArgument(ctx, 6);
    if (std::abs(lhsOffset) > 255 || std::abs(rhsOffset) > 255 || std::abs(outputOffset) > 255)
        ctx.fail("offsets must lie in [-255, 255]");
    if (!validShift(shift) || multiplier < INT32_MIN || multiplier > INT32_MAX)
        ctx.fail("requantisation parameters out of range");
    const auto* a = reinterpret_cast<const std::int8_t*>(lhs.bytes().data());
    const auto* b = reinterpret_cast<const std::int8_t*>(rhs.bytes().data());
    std::vector<std::int8_t> out(static_cast<std::size_t>(batches * rows * columns));
    ctx.pool().parallelFor(batches * rows, [&](std::int64_t begin, std::int64_t end) {
        for (auto row = begin; row < end; ++row) {
            const auto batch = row / rows;
            const auto* left = a + row * inner;
            for (std::int64_t n = 0; n < columns; ++n) {
                const auto* right = b + (batch * columns + n) * inner;
                std::int64_t acc = 0;
                for (std::int64_t k = 0; k < inner; ++k)
                    acc += (left[k] + lhsOffset) * (right[k] + rhsOffset);
                auto value = static_cast<std::int32_t>(
                    static_cast<std::uint32_t>(static_cast<std::uint64_t>(acc)));
                value = armNnRequantize(value, static_cast<std::int32_t>(multiplier),
                                        static_cast<std::int32_t>(shift));
                value = static_cast<std::int32_t>(static_cast<std::uint32_t>(value) +
                                                  static_cast<std::uint32_t>(outputOffset));
                out[static_cast<std::size_t>(row * columns + n)] = clampToInt8(value, -128, 127);
            }
        }
    });
    aten::setResult(ctx, 0,
                    aten::tensorFrom<std::int8_t>(DType::Int8, {batches, rows, columns}, out));
}

} // namespace

void addCortexMLinearKernels(KernelRegistry& registry) {
    registry.add("cortex_m::quantized_linear.out", linear);
    registry.add("cortex_m::quantized_batch_matmul.out", batchMatmul);
}

} // namespace pteron::runtime::cortex_m
