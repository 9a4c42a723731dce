// The TOSA integer scaling rules, each written once and named as the specification names it:
// apply_scale_32, apply_scale_16, reciprocal_scale and saturation to a storage type.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>

namespace pteron::runtime::tosa {

// Callers check once per tensor that 2 <= shift <= 62 and multiplier >= 0; within those bounds
// every intermediate fits int64. The result is not narrowed: callers saturate.
inline std::int64_t applyScale32(std::int32_t value, std::int32_t multiplier, std::int32_t shift,
                                 bool doubleRound) {
    std::int64_t round = std::int64_t{1} << (shift - 1);
    if (doubleRound && shift > 31)
        round += value >= 0 ? (std::int64_t{1} << 30) : -(std::int64_t{1} << 30);
    return (static_cast<std::int64_t>(value) * multiplier + round) >> shift;
}

// `value` is within the int48 range, so value * int16 + round stays below 2^63.
inline std::int64_t applyScale16(std::int64_t value, std::int16_t multiplier, std::int32_t shift) {
    const std::int64_t round = std::int64_t{1} << (shift - 1);
    return (value * multiplier + round) >> shift;
}

struct ScaleFactor {
    std::int32_t multiplier = 0;
    std::int32_t shift = 0;
};

// The multiplier and shift that divide by `count` (> 0) for AVG_POOL2D.
inline ScaleFactor reciprocalScale(std::int32_t count) {
    const auto below = static_cast<std::uint32_t>(count - 1);
    const int k = 32 - std::countl_zero(below);
    const std::int64_t numerator = ((std::int64_t{1} << 30) + 1) << k;
    return {static_cast<std::int32_t>(numerator / count), 30 + k};
}

inline constexpr std::int64_t kInt48Min = -(std::int64_t{1} << 47);
inline constexpr std::int64_t kInt48Max = (std::int64_t{1} << 47) - 1;

inline std::int64_t clampToRange(std::int64_t value, std::int64_t low, std::int64_t high) {
    return std::min(std::max(value, low), high);
}

// Saturates to the range of T (int64 storage stands for int48 and is clamped to 48 bits).
template <typename T> T saturateTo(std::int64_t value) {
    if constexpr (std::is_same_v<T, std::int64_t>)
        return clampToRange(value, kInt48Min, kInt48Max);
    else
        return static_cast<T>(
            clampToRange(value, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

} // namespace pteron::runtime::tosa
