#include "runtime/kernels/tosa/tosa_integer_loops.hpp"

#include <algorithm>

// Each hot loop is compiled twice on x86-64 (AVX2 and baseline) and picked at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
#define PTERON_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PTERON_VECTOR_CLONES
#endif

namespace pteron::runtime::tosa {

PTERON_VECTOR_CLONES
void dotProducts4(const std::int16_t* a, const std::int16_t* b, std::int64_t length,
                  std::int32_t* sums) {
    const std::int16_t* b1 = b + length;
    const std::int16_t* b2 = b1 + length;
    const std::int16_t* b3 = b2 + length;
    std::int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::int64_t i = 0; i < length; ++i) {
        const std::int32_t x = a[i];
        s0 += x * b[i];
        s1 += x * b1[i];
        s2 += x * b2[i];
        s3 += x * b3[i];
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
}

PTERON_VECTOR_CLONES
std::int32_t dotProduct(const std::int16_t* a, const std::int16_t* b, std::int64_t length) {
    std::int32_t sum = 0;
    for (std::int64_t i = 0; i < length; ++i)
        sum += static_cast<std::int32_t>(a[i]) * b[i];
    return sum;
}

PTERON_VECTOR_CLONES
void accumulateDepthwise(std::int32_t* acc, const std::int8_t* pixel, std::int16_t zeroPoint,
                         const std::int16_t* weights, std::int64_t channels) {
    for (std::int64_t c = 0; c < channels; ++c) {
        const auto value = static_cast<std::int16_t>(pixel[c] - zeroPoint);
        acc[c] += static_cast<std::int32_t>(value) * weights[c];
    }
}

PTERON_VECTOR_CLONES
void rescaleInt32ToInt8Row(const std::int32_t* in, std::int8_t* out, std::int64_t width,
                           const std::int32_t* multiplier, const std::int64_t* round,
                           const std::uint64_t* shift, const std::int64_t* offset,
                           std::int64_t outputZp, std::int64_t low, std::int64_t high) {
    constexpr std::uint64_t kBias = std::uint64_t{1} << 62;
    for (std::int64_t c = 0; c < width; ++c) {
        const std::int64_t product = static_cast<std::int64_t>(in[c]) * multiplier[c] + round[c];
        const auto shifted =
            static_cast<std::int64_t>((static_cast<std::uint64_t>(product) + kBias) >> shift[c]) -
            offset[c];
        out[c] = static_cast<std::int8_t>(std::clamp(shifted + outputZp, low, high));
    }
}

} // namespace pteron::runtime::tosa
