// The innermost integer loops of the hot TOSA kernels (int16 dot products, depthwise
// accumulation, int32 -> int8 rescaling), written so they vectorise and, on x86-64, built for
// AVX2 as well as the baseline with the faster one chosen when the program starts.
#pragma once

#include <cstdint>

namespace pteron::runtime::tosa {

// sums[j] = sum over i < length of a[i] * b[j * length + i], for j = 0..3.
void dotProducts4(const std::int16_t* a, const std::int16_t* b, std::int64_t length,
                  std::int32_t* sums);
std::int32_t dotProduct(const std::int16_t* a, const std::int16_t* b, std::int64_t length);

// acc[c] += (pixel[c] - zeroPoint) * weights[c] for c < channels.
void accumulateDepthwise(std::int32_t* acc, const std::int8_t* pixel, std::int16_t zeroPoint,
                         const std::int16_t* weights, std::int64_t channels);

// One row of per-channel RESCALE int32 -> int8 with SINGLE_ROUND and a zero input zero point:
// out[c] = clamp(((in[c] * multiplier[c] + round[c]) >> shift[c]) + outputZp, low, high).
// `offset[c]` is 2^62 >> shift[c]: the shift runs on value + 2^62, which is never negative.
void rescaleInt32ToInt8Row(const std::int32_t* in, std::int8_t* out, std::int64_t width,
                           const std::int32_t* multiplier, const std::int64_t* round,
                           const std::uint64_t* shift, const std::int64_t* offset,
                           std::int64_t outputZp, std::int64_t low, std::int64_t high);

} // namespace pteron::runtime::tosa
