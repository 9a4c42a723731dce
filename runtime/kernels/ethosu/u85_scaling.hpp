// Ethos-U85 rescaling, value * multiplier / 2^shift, in the rounding modes its IFM_SCALE,
// IFM2_SCALE and OFM_SCALE registers name.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pteron::runtime::ethosu {

enum class U85Rounding : std::uint8_t {
    DoubleSymmetric, // TFLite/TOSA double rounding
    Natural,         // to nearest, halves up
    Symmetric,       // to nearest, halves away from zero
    TruncateToZero,
    TruncateToLower, // toward minus infinity
};

// The mode a rounding name (OFM_SCALE round_mode) selects; none for DOUBLE_ASYMMETRIC and the
// reserved codes, whose arithmetic is not published.
std::optional<U85Rounding> u85RoundingOf(std::string_view name);

// `multiplier` below 2^31, `shift` 0..63, `doubleRound` 0..31 and `value` within 64 bits.
// DOUBLE_SYMMETRIC rounds as if `value` had first been shifted left by `doubleRound` bits and
// then rescaled with shift + doubleRound: Vela moves the left shift of TFLite's ADD/SUB operand
// rescale into this field (Regor tflite_graph_optimiser.cpp, "double round ... compensate for
// the left shift"). The other modes round once and ignore it.
std::int64_t u85Rescale(std::int64_t value, std::int64_t multiplier, std::int64_t shift,
                        unsigned doubleRound, U85Rounding rounding);

} // namespace pteron::runtime::ethosu
