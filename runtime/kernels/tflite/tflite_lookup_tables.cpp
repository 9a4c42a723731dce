#include "runtime/kernels/tflite/tflite_lookup_tables.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pteron::runtime::tflite {

namespace {

// 65536 * sigmoid(i / 24) as the reference ships it: about one entry in six is one above the
// nearest integer, so the numbers are kept as data rather than recomputed.
constexpr std::array<std::uint16_t, 256> kSigmoid = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

} // namespace

std::span<const std::uint16_t, 256> sigmoidTable() {
    return kSigmoid;
}

Int16Table int16Table(float (*func)(float), float inputMin, float inputMax, float outputMin,
                      float outputMax) {
    constexpr int kSteps = 512;
    const float step = (inputMax - inputMin) / kSteps;
    const float halfStep = step / 2;
    const float scale = 65536.0f / (outputMax - outputMin);
    const float low = std::numeric_limits<std::int16_t>::min();
    const float high = std::numeric_limits<std::int16_t>::max();
    Int16Table table{};
    for (int i = 0; i < kSteps; ++i) {
        const float at = inputMin + static_cast<float>(i) * step;
        const float value = func(at);
        const float midpoint = func(at + halfStep);
        const float next = func(inputMin + static_cast<float>(i + 1) * step);
        const float sample = std::round(value * scale);
        const float interpolated = std::round((next * scale + std::round(value * scale)) / 2);
        const float error = interpolated - std::round(midpoint * scale);
        const float bias = std::round(error / 2);
        table[static_cast<std::size_t>(i)] =
            static_cast<std::int16_t>(std::min(std::max(sample - bias, low), high));
    }
    table[kSteps] = static_cast<std::int16_t>(
        std::min(std::max(std::round(func(inputMax) * scale), low), high));
    return table;
}

} // namespace pteron::runtime::tflite
