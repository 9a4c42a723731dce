// OCP 8-bit floats: E4M3 (bias 7, no infinities, S.1111.111 the only NaN, largest 448) and
// E5M2 (bias 15, IEEE infinities and NaNs, largest 57344), converted with round to nearest even.
#pragma once

#include <cstdint>

namespace pteron::runtime {

float float8E4M3ToFloat(std::uint8_t bits);
float float8E5M2ToFloat(std::uint8_t bits);

// A value whose rounded magnitude exceeds the largest finite number becomes infinity (E5M2) or
// NaN (E4M3, which has no infinity), as TOSA's round_to_nearest_float specifies.
std::uint8_t floatToFloat8E4M3(float value);
std::uint8_t floatToFloat8E5M2(float value);

} // namespace pteron::runtime
