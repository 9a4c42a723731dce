#include "runtime/kernels/tflite/tflite_fixed_point.hpp"

namespace pteron::runtime::tflite {

namespace {

constexpr std::int32_t kRawOne = std::numeric_limits<std::int32_t>::max(); // "1.0" in Q0.31

std::int32_t multiply(std::int32_t a, std::int32_t b) {
    return saturatingRoundingDoublingHighMul(a, b);
}

// exp(x) for x in [-1/4, 0), Q0.31 in and out: Taylor expansion around -1/8.
std::int32_t expOnQuarterInterval(std::int32_t a) {
    constexpr std::int32_t kExpMinusEighth = 1895147668;
    constexpr std::int32_t kOneThird = 715827883;
    const std::int32_t x = wrappingAdd(a, 1 << 28);
    const std::int32_t x2 = multiply(x, x);
    const std::int32_t x3 = multiply(x2, x);
    const std::int32_t x4 = multiply(x2, x2);
    const std::int32_t x4Over4 = roundingDivideByPOT(x4, 2);
    const std::int32_t poly =
        roundingDivideByPOT(wrappingAdd(multiply(wrappingAdd(x4Over4, x3), kOneThird), x2), 1);
    return wrappingAdd(kExpMinusEighth, multiply(kExpMinusEighth, wrappingAdd(x, poly)));
}

// Newton-Raphson reciprocal of (1+a)/2 in Q2.29, shared by the two divisions below.
std::int32_t reciprocalOfHalfDenominator(std::int32_t halfDenominator) {
    constexpr std::int32_t k48Over17 = 1515870810;
    constexpr std::int32_t kMinus32Over17 = -1010580540;
    constexpr std::int32_t kOneQ2 = 1 << 29;
    std::int32_t x = wrappingAdd(k48Over17, multiply(halfDenominator, kMinus32Over17));
    for (int i = 0; i < 3; ++i) {
        const std::int32_t oneMinus = wrappingSub(kOneQ2, multiply(halfDenominator, x));
        x = wrappingAdd(x, saturatingShiftLeft(multiply(x, oneMinus), 2));
    }
    return x;
}

} // namespace

std::int32_t expOnNegativeValues(std::int32_t a, int integerBits) {
    const int fractionalBits = 31 - integerBits;
    const std::int32_t oneQuarter = std::int32_t{1} << (fractionalBits - 2);
    const std::int32_t mask = oneQuarter - 1;
    const std::int32_t modMinusQuarter = wrappingSub(a & mask, oneQuarter);
    std::int32_t result = expOnQuarterInterval(multiplyByPOT(modMinusQuarter, integerBits));
    const std::int32_t remainder = wrappingSub(modMinusQuarter, a);
    // exp(-2^k) for k = -2 .. 4 in Q0.31.
    constexpr std::int32_t kMultipliers[] = {1672461947, 1302514674, 790015084, 290630308,
                                             39332535,   720401,     242};
    for (int exponent = -2; exponent <= 4; ++exponent) {
        if (integerBits <= exponent) continue;
        const int bit = fractionalBits + exponent;
        if (remainder & (std::int32_t{1} << bit))
            result = multiply(result, kMultipliers[exponent + 2]);
    }
    if (integerBits > 5) {
        const std::int32_t clampAt = -(std::int32_t{1} << (fractionalBits + 5));
        if (a < clampAt) result = 0;
    }
    return a == 0 ? kRawOne : result;
}

std::int32_t oneOverOnePlusX(std::int32_t a) {
    const std::int32_t x = reciprocalOfHalfDenominator(roundingHalfSum(a, kRawOne));
    // x/2 in Q1.30 holds the same raw value; rescale to Q0.31.
    return saturatingShiftLeft(x, 1);
}

std::int32_t oneMinusXOverOnePlusX(std::int32_t a) {
    const std::int32_t x = reciprocalOfHalfDenominator(roundingHalfSum(a, kRawOne));
    return saturatingShiftLeft(wrappingSub(x, 1 << 29), 2);
}

std::int32_t fixedPointLogistic(std::int32_t a, int integerBits) {
    if (a == 0) return 1 << 30;
    const std::int32_t magnitude = a > 0 ? a : wrappingSub(0, a);
    const std::int32_t positive =
        oneOverOnePlusX(expOnNegativeValues(wrappingSub(0, magnitude), integerBits));
    return a > 0 ? positive : wrappingSub(kRawOne, positive);
}

std::int32_t fixedPointTanh(std::int32_t a, int integerBits) {
    if (a == 0) return 0;
    const std::int32_t negative = a < 0 ? a : wrappingSub(0, a);
    // exp(2n): the same raw value read with one more integer bit.
    const std::int32_t t = oneMinusXOverOnePlusX(expOnNegativeValues(negative, integerBits + 1));
    return a < 0 ? wrappingSub(0, t) : t;
}

} // namespace pteron::runtime::tflite
