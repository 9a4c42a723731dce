#include "runtime/ocp_float.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime {

namespace {

// Which codes are not finite numbers.
enum class Specials {
    Ieee,         // E5M2: exponent all ones is infinity (mantissa 0) or NaN
    OnlyTopIsNaN, // E4M3: only exponent and mantissa all ones is NaN
    None,         // FP6 / FP4: every code is a finite number
};

struct Format {
    int exponentBits;
    int mantissaBits;
    Specials specials;
    int bias() const { return (1 << (exponentBits - 1)) - 1; }
    int signBit() const { return exponentBits + mantissaBits; }
    double largest() const {
        const int top = (1 << exponentBits) - 1;
        const int fullMantissa = (1 << mantissaBits) - 1;
        int exponent = top;
        int mantissa = fullMantissa;
        if (specials == Specials::Ieee) exponent = top - 1;
        if (specials == Specials::OnlyTopIsNaN) mantissa = fullMantissa - 1;
        return std::ldexp(1.0 + mantissa / double(1 << mantissaBits), exponent - bias());
    }
};

constexpr Format kE4M3{4, 3, Specials::OnlyTopIsNaN};
constexpr Format kE5M2{5, 2, Specials::Ieee};
constexpr Format kE2M3{2, 3, Specials::None};
constexpr Format kE3M2{3, 2, Specials::None};
constexpr Format kE2M1{2, 1, Specials::None};

float decode(const Format& f, std::uint8_t bits) {
    const bool negative = ((bits >> f.signBit()) & 1) != 0;
    const int exponent = (bits >> f.mantissaBits) & ((1 << f.exponentBits) - 1);
    const int mantissa = bits & ((1 << f.mantissaBits) - 1);
    const int top = (1 << f.exponentBits) - 1;
    double magnitude = 0;
    if (f.specials == Specials::Ieee && exponent == top)
        magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity()
                                  : std::numeric_limits<double>::quiet_NaN();
    else if (f.specials == Specials::OnlyTopIsNaN && exponent == top &&
             mantissa == (1 << f.mantissaBits) - 1)
        magnitude = std::numeric_limits<double>::quiet_NaN();
    else if (exponent == 0)
        magnitude = std::ldexp(mantissa, 1 - f.bias() - f.mantissaBits);
    else
        magnitude = std::ldexp(1.0 + mantissa / double(1 << f.mantissaBits), exponent - f.bias());
    return static_cast<float>(negative ? -magnitude : magnitude);
}

std::uint8_t encode(const Format& f, float value) {
    const auto sign = static_cast<std::uint8_t>(std::signbit(value) ? 1u << f.signBit() : 0u);
    const int top = (1 << f.exponentBits) - 1;
    const auto allOnes = static_cast<std::uint8_t>((1 << f.signBit()) - 1);
    const auto infinity = static_cast<std::uint8_t>(top << f.mantissaBits);
    const auto largestCode =
        static_cast<std::uint8_t>(f.specials == Specials::None ? allOnes : allOnes - 1);
    if (std::isnan(value)) {
        if (f.specials == Specials::None) return sign;
        return sign |
               (f.specials == Specials::Ieee ? static_cast<std::uint8_t>(infinity | 2) : allOnes);
    }
    const double magnitude = std::fabs(static_cast<double>(value));
    const double smallestNormal = std::ldexp(1.0, 1 - f.bias());
    // The spacing of representable values at this magnitude; dividing by a power of two is
    // exact, so nearbyint rounds the exact quotient half to even.
    int exponent = 0;
    std::frexp(magnitude, &exponent); // magnitude in [2^(exponent-1), 2^exponent)
    const int step =
        magnitude < smallestNormal ? 1 - f.bias() - f.mantissaBits : exponent - 1 - f.mantissaBits;
    const double rounded = std::isinf(magnitude)
                               ? magnitude
                               : std::ldexp(std::nearbyint(std::ldexp(magnitude, -step)), step);
    if (rounded > f.largest()) {
        if (f.specials == Specials::None) return sign | largestCode;
        return sign | (f.specials == Specials::Ieee ? infinity : allOnes);
    }
    if (rounded < smallestNormal)
        return sign | static_cast<std::uint8_t>(std::ldexp(rounded, f.bias() - 1 + f.mantissaBits));
    std::frexp(rounded, &exponent);
    const double fraction = std::ldexp(rounded, 1 - exponent) - 1.0; // in [0, 1)
    const auto mantissa = static_cast<std::uint8_t>(std::ldexp(fraction, f.mantissaBits));
    const auto biased = static_cast<std::uint8_t>(exponent - 1 + f.bias());
    return sign | static_cast<std::uint8_t>(biased << f.mantissaBits) | mantissa;
}

} // namespace

float float8E4M3ToFloat(std::uint8_t bits) {
    return decode(kE4M3, bits);
}
float float8E5M2ToFloat(std::uint8_t bits) {
    return decode(kE5M2, bits);
}
float float6E2M3ToFloat(std::uint8_t bits) {
    return decode(kE2M3, bits);
}
float float6E3M2ToFloat(std::uint8_t bits) {
    return decode(kE3M2, bits);
}
float float4E2M1ToFloat(std::uint8_t bits) {
    return decode(kE2M1, bits);
}

std::uint8_t floatToFloat8E4M3(float value) {
    return encode(kE4M3, value);
}
std::uint8_t floatToFloat8E5M2(float value) {
    return encode(kE5M2, value);
}
std::uint8_t floatToFloat6E2M3(float value) {
    return encode(kE2M3, value);
}
std::uint8_t floatToFloat6E3M2(float value) {
    return encode(kE3M2, value);
}
std::uint8_t floatToFloat4E2M1(float value) {
    return encode(kE2M1, value);
}

} // namespace pteron::runtime
