#include "views/timeline/timeline_axis.hpp"

#include <algorithm>
#include <cstdio>

namespace pteron {

namespace {

std::uint64_t roundStep(std::uint64_t rough) {
    std::uint64_t power = 1;
    while (power <= rough / 10)
        power *= 10;
    for (const std::uint64_t multiple : {1u, 2u, 5u, 10u})
        if (power * multiple >= rough) return power * multiple;
    return power * 10;
}

} // namespace

std::vector<std::uint64_t> axisTicks(std::uint64_t span, std::size_t wanted) {
    const auto step =
        roundStep(std::max<std::uint64_t>(1, span / std::max<std::size_t>(1, wanted)));
    std::vector<std::uint64_t> ticks;
    for (std::uint64_t tick = 0; tick <= span; tick += step)
        ticks.push_back(tick);
    return ticks;
}

std::string tickLabel(std::uint64_t ticks) {
    static constexpr struct {
        std::uint64_t scale;
        const char* suffix;
    } kScales[] = {{1'000'000'000, " G"}, {1'000'000, " M"}, {1'000, " k"}};
    char text[32];
    for (const auto& unit : kScales) {
        if (ticks < unit.scale) continue;
        std::snprintf(text, sizeof text, "%g%s",
                      static_cast<double>(ticks) / static_cast<double>(unit.scale), unit.suffix);
        return text;
    }
    return std::to_string(ticks);
}

} // namespace pteron
