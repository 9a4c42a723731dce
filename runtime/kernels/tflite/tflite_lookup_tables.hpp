// The lookup tables of TFLite's int16 activations: the unsigned Q0.16 sigmoid samples LOGISTIC
// and TANH interpolate, and the 513-entry tables SOFTMAX builds for exp and 1/(1+x).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace pteron::runtime::tflite {

// sigmoid(i / 24) for i in [0, 256), unsigned Q0.16 (the reference's published table).
std::span<const std::uint16_t, 256> sigmoidTable();

using Int16Table = std::array<std::int16_t, 513>;

// gen_lut for int16 inputs and outputs: 512 samples of func over [inputMin, inputMax] in float,
// each nudged by half the error its linear interpolation makes at the midpoint, plus the end
// value; outputs scaled from [outputMin, outputMax] to the int16 range and saturated.
Int16Table int16Table(float (*func)(float), float inputMin, float inputMax, float outputMin,
                      float outputMax);

// Interpolated lookup: the top 9 bits of value + 32768 pick the entry, the low 7 bits the
// fraction of the step to the next one (rounded half up).
inline std::int16_t int16TableLookup(std::int16_t value, const Int16Table& table) {
    const int index = 256 + (value >> 7);
    const int fraction = value & 0x7f;
    const int base = table[static_cast<std::size_t>(index)];
    const auto slope = static_cast<std::int16_t>(table[static_cast<std::size_t>(index) + 1] - base);
    const int delta = (slope * fraction + 64) >> 7;
    return static_cast<std::int16_t>(base + delta);
}

} // namespace pteron::runtime::tflite
