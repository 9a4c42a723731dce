// The OCP narrow floats: the 8-bit E4M3 (bias 7, no infinities, S.1111.111 the only NaN, largest
// 448) and E5M2 (bias 15, IEEE infinities and NaNs, largest 57344) of OFP8, and the MX element
// types FP6 E2M3 (bias 1, largest 7.5), FP6 E3M2 (bias 3, largest 28) and FP4 E2M1 (bias 1,
// largest 6), which have no infinity or NaN. Converted with round to nearest even. The runtime
// holds a 6- or 4-bit code in the low bits of one byte, the sign in its top bit.
#pragma once

#include <cstdint>

namespace pteron::runtime {

float float8E4M3ToFloat(std::uint8_t bits);
float float8E5M2ToFloat(std::uint8_t bits);
float float6E2M3ToFloat(std::uint8_t bits);
float float6E3M2ToFloat(std::uint8_t bits);
float float4E2M1ToFloat(std::uint8_t bits);

// A value whose rounded magnitude exceeds the largest finite number becomes infinity (E5M2) or
// NaN (E4M3, which has no infinity), as TOSA's round_to_nearest_float specifies.
std::uint8_t floatToFloat8E4M3(float value);
std::uint8_t floatToFloat8E5M2(float value);
// The MX element types have neither: a larger magnitude saturates to the largest finite value,
// and NaN (only met in a block whose scale is NaN, which makes the whole block NaN) becomes zero.
std::uint8_t floatToFloat6E2M3(float value);
std::uint8_t floatToFloat6E3M2(float value);
std::uint8_t floatToFloat4E2M1(float value);

} // namespace pteron::runtime
