#include "runtime/float8.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime {

namespace {

struct Format {
    int exponentBits;
    int mantissaBits;
    bool hasInfinity; // E5M2: exponent all ones is infinity / NaN; E4M3: only S.1111.111 is NaN
    int bias() const { return (1 << (exponentBits - 1)) - 1; }
    double largest() const {
        const int top = (1 << exponentBits) - 1;
        // E5M2's top exponent holds infinities and NaNs; E4M3 keeps it but not its top mantissa.
        const int exponent = hasInfinity ? top - 1 : top;
        const int mantissa = hasInfinity ? (1 << mantissaBits) - 1 : (1 << mantissaBits) - 2;
        return std::ldexp(1.0 + mantissa / double(1 << mantissaBits), exponent - bias());
    }
};

constexpr Format kE4M3{4, 3, false};
constexpr Format kE5M2{5, 2, true};

float decode(const Format& f, std::uint8_t bits) {
    const bool negative = (bits & 0x80) != 0;
    const int exponent = (bits >> f.mantissaBits) & ((1 << f.exponentBits) - 1);
    const int mantissa = bits & ((1 << f.mantissaBits) - 1);
    const int top = (1 << f.exponentBits) - 1;
    double magnitude = 0;
    if (f.hasInfinity && exponent == top)
        magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity()
                                  : std::numeric_limits<double>::quiet_NaN();
    else if (!f.hasInfinity && exponent == top && mantissa == (1 << f.mantissaBits) - 1)
        magnitude = std::numeric_limits<double>::quiet_NaN();
    else if (exponent == 0)
        magnitude = std::ldexp(mantissa, 1 - f.bias() - f.mantissaBits);
    else
        magnitude = std::ldexp(1.0 + mantissa / double(1 << f.mantissaBits), exponent - f.bias());
    return static_cast<float>(negative ? -magnitude : magnitude);
}

std::uint8_t encode(const Format& f, float value) {
    const std::uint8_t sign = std::signbit(value) ? 0x80 : 0;
    const std::uint8_t nan = f.hasInfinity ? 0x7e : 0x7f;
    const auto infinity = static_cast<std::uint8_t>(((1 << f.exponentBits) - 1) << f.mantissaBits);
    if (std::isnan(value)) return sign | nan;
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
    if (rounded > f.largest()) return sign | (f.hasInfinity ? infinity : nan);
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

std::uint8_t floatToFloat8E4M3(float value) {
    return encode(kE4M3, value);
}

std::uint8_t floatToFloat8E5M2(float value) {
    return encode(kE5M2, value);
}

} // namespace pteron::runtime
