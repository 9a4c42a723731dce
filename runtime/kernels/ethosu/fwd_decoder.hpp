// Decoder of the Ethos-U85 fast weight format ("FWD"): a 256-bit header (mode flags, a zero
// adjustment and a 16-entry table of values) followed by fixed-width codes, one per weight.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pteron::runtime::ethosu {

// Decodes `count` weights. The header's flags choose 2-bit table indices (at most four
// distinct values), 4-bit table indices, or raw 8-bit values offset by the zero adjustment.
// RuntimeError when the bytes end before `count` codes.
std::vector<std::int16_t> decodeFwd(std::span<const std::uint8_t> bytes, std::size_t count);

} // namespace pteron::runtime::ethosu
