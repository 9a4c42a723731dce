// The affine (de)quantisation rules of ExecuTorch's quantized_decomposed and cortex_m kernels:
// q = clamp(zp + round_half_even(x * (1/scale))) and x = (q - zp) * scale, in fp32.
#pragma once

#include <cmath>
#include <cstdint>

namespace pteron::runtime::quantized {

// One element: the reciprocal of the fp32 scale multiplies x in fp32, the product rounds to
// nearest even, the zero point is added in int64 and the result clamps to [qmin, qmax].
inline std::int64_t quantizeValue(float x, float inverseScale, std::int64_t zeroPoint,
                                  std::int64_t qmin, std::int64_t qmax) {
    const float scaled = std::nearbyint(inverseScale * x);
    // Clamp in float first so the conversion never overflows; NaN maps to qmin's side via 0.
    const double bounded =
        std::isnan(scaled) ? 0.0 : std::fmax(-9.0e15, std::fmin(9.0e15, double(scaled)));
    std::int64_t q = zeroPoint + static_cast<std::int64_t>(bounded);
    if (q < qmin) q = qmin;
    if (q > qmax) q = qmax;
    return q;
}

inline float dequantizeValue(std::int64_t q, std::int64_t zeroPoint, float scale) {
    return static_cast<float>(q - zeroPoint) * scale;
}

} // namespace pteron::runtime::quantized
