// cortex_m::softmax: int8 softmax along the last dimension as arm_softmax_s8 computes it
// (arm_nn_softmax_common_s8): differences from the row maximum scaled by mult x 2^shift, a
// fixed-point exp, the row sum in Q12.19, its reciprocal by Newton-Raphson, output zero point
// -128. Bit-exact to TFLite Micro's int8 reference by design; written here from CMSIS-NN's own
// formulation of each step.
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/cortex_m/cmsis_requantize.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

#include <bit>
#include <limits>

namespace pteron::runtime::cortex_m {

namespace {

constexpr std::int32_t kQ31Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t kQ31Min = std::numeric_limits<std::int32_t>::min();
constexpr int kAccumulationBits = 12;

std::int32_t wrap(std::int64_t value) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(value)));
}

// arm_nn_doubling_high_mult: the rounding offset's sign follows the operands' signs, the
// division truncates, INT32_MIN squared saturates.
std::int32_t doublingHighMultiply(std::int32_t a, std::int32_t b) {
    std::int64_t product = std::int64_t{1} << 30;
    if ((a < 0) != (b < 0)) product = 1 - product;
    product += static_cast<std::int64_t>(a) * b;
    if (a == b && a == kQ31Min) return kQ31Max;
    return static_cast<std::int32_t>(product / (std::int64_t{1} << 31));
}

// arm_nn_mult_by_power_of_two: a left shift saturating at the int32 limits.
std::int32_t multiplyByPowerOfTwo(std::int32_t value, int exponent) {
    const std::int32_t threshold =
        static_cast<std::int32_t>((std::int64_t{1} << (31 - exponent)) - 1);
    if (value > threshold) return kQ31Max;
    if (value < -threshold) return kQ31Min;
    return wrap(static_cast<std::int64_t>(value) * (std::int64_t{1} << exponent));
}

// arm_nn_exp_on_negative_values for Q5.26 arguments: exp on [-1/4, 0) by a fourth-order
// polynomial around -1/8, then one constant factor exp(-2^k) per set bit k of the remainder.
std::int32_t expOnNegative(std::int32_t value) {
    constexpr int kShift = 24;
    const std::int32_t modMinusQuarter = (value & ((1 << kShift) - 1)) - (1 << kShift);
    const std::int32_t remainder = wrap(std::int64_t{modMinusQuarter} - value);
    const std::int32_t x = wrap(std::int64_t{modMinusQuarter} * 32 + (1 << 28));
    const std::int32_t x2 = doublingHighMultiply(x, x);
    const std::int32_t cubicTerms =
        wrap(std::int64_t{divideByPowerOfTwo(doublingHighMultiply(x2, x2), 2)} +
             doublingHighMultiply(x2, x));
    const std::int32_t series =
        wrap(std::int64_t{x} +
             divideByPowerOfTwo(
                 wrap(std::int64_t{doublingHighMultiply(cubicTerms, 715827883)} + x2), 1));
    std::int32_t result = wrap(std::int64_t{1895147668} + doublingHighMultiply(1895147668, series));
    // exp(-1/4), exp(-1/2), exp(-1), exp(-2), exp(-4), exp(-8), exp(-16) in Q0.31.
    constexpr std::int32_t kFactors[] = {1672461947, 1302514674, 790015084, 290630308,
                                         39332535,   720401,     242};
    for (int k = 0; k < 7; ++k)
        if (remainder & (1 << (kShift + k))) result = doublingHighMultiply(result, kFactors[k]);
    return value == 0 ? kQ31Max : result;
}

// arm_nn_one_over_one_plus_x_for_x_in_0_1: three Newton-Raphson steps on 1 / (1 + x) from the
// linear estimate 48/17 - 32/17 d, d = (1 + x) / 2.
std::int32_t oneOverOnePlus(std::int32_t value) {
    const std::int64_t sum = std::int64_t{value} + kQ31Max;
    const auto halfDenominator = static_cast<std::int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
    std::int32_t x =
        wrap(std::int64_t{1515870810} + doublingHighMultiply(halfDenominator, -1010580540));
    constexpr std::int32_t kOne = 1 << 29;
    for (int step = 0; step < 3; ++step) {
        const std::int32_t error =
            wrap(std::int64_t{kOne} - doublingHighMultiply(halfDenominator, x));
        x = wrap(std::int64_t{x} + multiplyByPowerOfTwo(doublingHighMultiply(x, error), 2));
    }
    return multiplyByPowerOfTwo(x, 1);
}

// (input, dim, input_zero_point, output_zero_point, input_multiplier, input_shift, diff_min)
void softmax(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    if (input.dtype() != DType::Int8 || input.rank() == 0)
        ctx.fail("expects an int8 input of rank 1 or more, given " + input.typeText());
    const auto dim = aten::normalizeDim(ctx, aten::intArgument(ctx, 1), input.rank());
    if (dim != input.rank() - 1) ctx.fail("softmax runs along the last dimension only");
    if (aten::intArgument(ctx, 3) != -128) ctx.fail("the output zero point must be -128");
    const auto multiplier = aten::intArgument(ctx, 4);
    const auto shift = aten::intArgument(ctx, 5);
    const auto diffMin = aten::intArgument(ctx, 6);
    if (multiplier < 0 || multiplier > kQ31Max || shift < 0 || shift > 30 || diffMin > 0 ||
        diffMin < kQ31Min)
        ctx.fail("input_multiplier, input_shift (0..30) or diff_min out of range");
    const auto rowSize = input.dim(input.rank() - 1);
    if (rowSize <= 0) ctx.fail("softmax needs a non-empty last dimension");
    const auto rows = static_cast<std::int64_t>(input.elementCount()) / rowSize;
    const auto* x = reinterpret_cast<const std::int8_t*>(input.bytes().data());
    std::vector<std::int8_t> out(input.elementCount());
    const auto mult = static_cast<std::int32_t>(multiplier);
    const auto scale = std::int32_t{1} << shift;
    const auto expOf = [&](std::int32_t diff) {
        return expOnNegative(doublingHighMultiply(wrap(std::int64_t{diff} * scale), mult));
    };
    for (std::int64_t r = 0; r < rows; ++r) {
        const auto* row = x + r * rowSize;
        std::int32_t max = row[0];
        for (std::int64_t c = 1; c < rowSize; ++c)
            max = std::max<std::int32_t>(max, row[c]);
        std::int32_t sum = 0;
        for (std::int64_t c = 0; c < rowSize; ++c) {
            const std::int32_t diff = row[c] - max;
            if (diff >= diffMin)
                sum = wrap(std::int64_t{sum} + divideByPowerOfTwo(expOf(diff), kAccumulationBits));
        }
        const int headroom = std::countl_zero(static_cast<std::uint32_t>(sum));
        const std::int32_t normalised = sum > 0 ? wrap(std::int64_t{sum} << headroom) : 0;
        const std::int32_t reciprocal =
            oneOverOnePlus(wrap(std::int64_t{normalised} - (std::int64_t{1} << 31)));
        // Past 31 the C shift is undefined; TFLite's rounding divide clamps it there too.
        const int bitsOverUnit = std::min(kAccumulationBits - headroom + 23, 31);
        for (std::int64_t c = 0; c < rowSize; ++c) {
            const std::int32_t diff = row[c] - max;
            std::int32_t value = -128;
            if (diff >= diffMin)
                value = wrap(std::int64_t{divideByPowerOfTwo(
                                 doublingHighMultiply(reciprocal, expOf(diff)), bitsOverUnit)} -
                             128);
            out[static_cast<std::size_t>(r * rowSize + c)] = clampToInt8(value, -128, 127);
        }
    }
    aten::setResult(ctx, 0, aten::tensorFrom<std::int8_t>(DType::Int8, input.shape(), out));
}

} // namespace

void addCortexMSoftmaxKernels(KernelRegistry& registry) {
    registry.add("cortex_m::softmax.out", softmax);
}

} // namespace pteron::runtime::cortex_m
