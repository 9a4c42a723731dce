// Decoder of the Ethos-U compressed weight stream ("mlw"): slices of Golomb-Rice coded palette
// indices interleaved with zero runs, ending in an end-of-stream marker.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pteron::runtime::ethosu {

// Decodes weights (9-bit signed values) until the bytes end or `limit` values are out; stops
// early once `limit` is reached. RuntimeError on a stream that reads past its bytes or breaks
// the format's rules (a first slice without a palette, an index past 511).
std::vector<std::int16_t> decodeMlw(std::span<const std::uint8_t> bytes, std::size_t limit);

} // namespace pteron::runtime::ethosu
