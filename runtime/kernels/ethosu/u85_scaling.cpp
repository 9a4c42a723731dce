#include "runtime/kernels/ethosu/u85_scaling.hpp"

#include "runtime/kernels/ethosu/npu_rescale.hpp"

namespace pteron::runtime::ethosu {

std::optional<U85Rounding> u85RoundingOf(std::string_view name) {
    if (name == "DOUBLE_SYMMETRIC") return U85Rounding::DoubleSymmetric;
    if (name == "NATURAL") return U85Rounding::Natural;
    if (name == "SYMMETRIC") return U85Rounding::Symmetric;
    if (name == "TRUNCATE_TO_ZERO") return U85Rounding::TruncateToZero;
    if (name == "TRUNCATE_TO_LOWER") return U85Rounding::TruncateToLower;
    return std::nullopt;
}

std::int64_t u85Rescale(std::int64_t value, std::int64_t multiplier, std::int64_t shift,
                        unsigned doubleRound, U85Rounding rounding) {
    const Int128 product = static_cast<Int128>(value) * multiplier;
    if (shift == 0) return static_cast<std::int64_t>(product);
    const Int128 one = 1;
    switch (rounding) {
    case U85Rounding::DoubleSymmetric: {
        // TOSA's double_round on value << doubleRound: the extra half-step at bit 30 once the
        // whole shift passes 31.
        const auto total = shift + doubleRound;
        Int128 round = one << (total - 1);
        if (total > 31) round += value >= 0 ? one << 30 : -(one << 30);
        return static_cast<std::int64_t>((product * (one << doubleRound) + round) >> total);
    }
    case U85Rounding::Natural:
        return static_cast<std::int64_t>((product + (one << (shift - 1))) >> shift);
    case U85Rounding::Symmetric: {
        const Int128 half = one << (shift - 1);
        return static_cast<std::int64_t>(product >= 0 ? (product + half) >> shift
                                                      : -((-product + half) >> shift));
    }
    case U85Rounding::TruncateToZero:
        return static_cast<std::int64_t>(product / (one << shift));
    case U85Rounding::TruncateToLower:
        return static_cast<std::int64_t>(product >> shift);
    }
    return static_cast<std::int64_t>(product);
}

} // namespace pteron::runtime::ethosu
