// CMSIS-NN's integer requantisation (arm_nn_requantize, default build without single
// rounding): a rounding doubling high multiply followed by a rounding right shift.
#pragma once

#include <cstdint>

namespace pteron::runtime::cortex_m {

// arm_nn_doubling_high_mult_no_sat: (a*b + 2^30) >> 31, rounding half up, no saturation.
inline std::int32_t doublingHighMultiplyNoSaturation(std::int32_t a, std::int32_t b) {
    const std::int64_t product =
        static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b) + (std::int64_t{1} << 30);
    return static_cast<std::int32_t>(product >> 31);
}

// arm_nn_divide_by_power_of_two: arithmetic shift rounding half away from zero.
inline std::int32_t divideByPowerOfTwo(std::int32_t dividend, std::int32_t exponent) {
    const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
    const std::int32_t remainder = dividend & mask;
    std::int32_t result = dividend >> exponent;
    std::int32_t threshold = mask >> 1;
    if (result < 0) ++threshold;
    if (remainder > threshold) ++result;
    return result;
}

// arm_nn_requantize(value, multiplier, shift); shift in [-31, 30] (callers check).
inline std::int32_t armNnRequantize(std::int32_t value, std::int32_t multiplier,
                                    std::int32_t shift) {
    const std::int32_t left = shift > 0 ? shift : 0;
    const std::int32_t right = shift < 0 ? -shift : 0;
    // value * 2^left wraps in 32 bits as the C code's multiplication does on the target.
    const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(value) << left);
    return divideByPowerOfTwo(doublingHighMultiplyNoSaturation(shifted, multiplier), right);
}

inline bool validShift(std::int64_t shift) {
    return shift >= -31 && shift <= 30;
}

} // namespace pteron::runtime::cortex_m
