// TensorFlow Lite's integer rescaling and gemmlowp fixed-point arithmetic on int32 raw values,
// as the int8 reference kernels use them (double rounding, the TFLM default).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace pteron::runtime::tflite {

// Two's-complement wrap of a 64-bit intermediate, as the reference code's int32 arithmetic does.
inline std::int32_t wrapToInt32(std::int64_t value) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(value)));
}

// gemmlowp SaturatingRoundingDoublingHighMul: high 32 bits of 2ab; its nudge and truncating
// division round ties towards +infinity.
inline std::int32_t saturatingRoundingDoublingHighMul(std::int32_t a, std::int32_t b) {
    if (a == b && a == std::numeric_limits<std::int32_t>::min())
        return std::numeric_limits<std::int32_t>::max();
    const std::int64_t product = static_cast<std::int64_t>(a) * b;
    const std::int64_t nudge = product >= 0 ? (1 << 30) : (1 - (1 << 30));
    return static_cast<std::int32_t>((product + nudge) / (std::int64_t{1} << 31));
}

// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero.
inline std::int32_t roundingDivideByPOT(std::int32_t x, int exponent) {
    if (exponent <= 0) return x;
    if (exponent > 31) exponent = 31;
    const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
    const std::int32_t remainder = x & mask;
    const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent: saturating left shift.
inline std::int32_t saturatingShiftLeft(std::int32_t x, int exponent) {
    const std::int64_t shifted = static_cast<std::int64_t>(x) * (std::int64_t{1} << exponent);
    return static_cast<std::int32_t>(
        std::clamp<std::int64_t>(shifted, std::numeric_limits<std::int32_t>::min(),
                                 std::numeric_limits<std::int32_t>::max()));
}

// SaturatingRoundingMultiplyByPOT<exponent> for either sign of the exponent.
inline std::int32_t multiplyByPOT(std::int32_t x, int exponent) {
    return exponent >= 0 ? saturatingShiftLeft(x, exponent) : roundingDivideByPOT(x, -exponent);
}

// MultiplyByQuantizedMultiplier (double-rounding build): x * multiplier * 2^(shift - 31).
inline std::int32_t multiplyByQuantizedMultiplier(std::int32_t x, std::int32_t multiplier,
                                                  int shift) {
    const int leftShift = shift > 0 ? shift : 0;
    const int rightShift = shift > 0 ? 0 : -shift;
    const std::int32_t shifted = wrapToInt32(static_cast<std::int64_t>(x) << leftShift);
    return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), rightShift);
}

// MultiplyByQuantizedMultiplier for int64 accumulators (16x8 kernels with int64 bias): the
// multiplier is reduced to 16 bits (rounded, saturating at 0x7FFF) and one rounding, half up,
// divides by 2^(15 - shift). The product is formed in 128 bits so no accumulator overflows.
inline std::int32_t multiplyByQuantizedMultiplier64(std::int64_t x, std::int32_t multiplier,
                                                    int shift) {
    const std::int64_t reduced =
        multiplier < 0x7FFF0000 ? (std::int64_t{multiplier} + (1 << 15)) >> 16 : 0x7FFF;
    const int totalShift = std::clamp(15 - shift, 1, 62);
    __extension__ using Wide = __int128;
    const Wide scaled = (Wide{x} * reduced + (Wide{1} << (totalShift - 1))) >> totalShift;
    return wrapToInt32(static_cast<std::int64_t>(scaled));
}

// MultiplyByQuantizedMultiplierGreaterThanOne: left shift, then the doubling high multiply.
inline std::int32_t multiplyByQuantizedMultiplierGreaterThanOne(std::int32_t x,
                                                                std::int32_t multiplier,
                                                                int leftShift) {
    return saturatingRoundingDoublingHighMul(
        wrapToInt32(static_cast<std::int64_t>(x) << std::clamp(leftShift, 0, 31)), multiplier);
}

// gemmlowp RoundingHalfSum for int32.
inline std::int32_t roundingHalfSum(std::int32_t a, std::int32_t b) {
    const std::int64_t sum = static_cast<std::int64_t>(a) + b;
    return static_cast<std::int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

inline std::int32_t wrappingAdd(std::int32_t a, std::int32_t b) {
    return wrapToInt32(static_cast<std::int64_t>(a) + b);
}
inline std::int32_t wrappingSub(std::int32_t a, std::int32_t b) {
    return wrapToInt32(static_cast<std::int64_t>(a) - b);
}

// The gemmlowp transcendental functions. Arguments and results are raw values; `integerBits`
// is the fixed-point format of the argument (results are Q0.31).
std::int32_t expOnNegativeValues(std::int32_t raw, int integerBits);
std::int32_t oneOverOnePlusX(std::int32_t raw);       // 1/(1+x), x in [0,1)
std::int32_t oneMinusXOverOnePlusX(std::int32_t raw); // (1-x)/(1+x), x in [0,1)
std::int32_t fixedPointLogistic(std::int32_t raw, int integerBits);
std::int32_t fixedPointTanh(std::int32_t raw, int integerBits);

} // namespace pteron::runtime::tflite
