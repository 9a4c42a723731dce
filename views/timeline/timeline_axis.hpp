// Tick marks for a time axis: round steps (1, 2 or 5 times a power of ten) and short labels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pteron {

// Offsets from the axis origin, 0 first, one step apart, none past `span`; about `wanted` of them.
std::vector<std::uint64_t> axisTicks(std::uint64_t span, std::size_t wanted);

// "0", "250", "1.5 k", "2 M": ticks count in the trace's own unit, so no unit is named.
std::string tickLabel(std::uint64_t ticks);

} // namespace pteron
