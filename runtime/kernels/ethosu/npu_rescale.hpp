// The NPU's output and operand rescaling: value * multiplier / 2^shift in the rounding mode the
// OFM_PRECISION register selects.
#pragma once

#include <cstdint>

namespace pteron::runtime::ethosu {

enum class Rounding : std::uint8_t {
    Tfl,      // double rounding as TFLite and TOSA's double_round define it
    Truncate, // toward zero
    Natural,  // to nearest, halves up
};

__extension__ using Int128 = __int128;

// `shift` is 0..63, `multiplier` below 2^32 and `value` within 48 bits: the product fits 128 bits.
inline std::int64_t rescale(std::int64_t value, std::int64_t multiplier, std::int64_t shift,
                            Rounding rounding) {
    const Int128 product = static_cast<Int128>(value) * multiplier;
    if (shift == 0) return static_cast<std::int64_t>(product);
    if (rounding == Rounding::Truncate) {
        const Int128 divisor = static_cast<Int128>(1) << shift;
        return static_cast<std::int64_t>(product / divisor);
    }
    Int128 round = static_cast<Int128>(1) << (shift - 1);
    if (rounding == Rounding::Tfl && shift > 31)
        round += value >= 0 ? (static_cast<Int128>(1) << 30) : -(static_cast<Int128>(1) << 30);
    return static_cast<std::int64_t>((product + round) >> shift);
}

} // namespace pteron::runtime::ethosu
