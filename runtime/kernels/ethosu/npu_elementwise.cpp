// ELEMENTWISE: binary operations on IFM and IFM2 (a map, a broadcast map or a scalar) and
// unary ones on the IFM, with the operand and output scaling Vela programs.
#include "runtime/kernels/ethosu/npu_feature_map_io.hpp"
#include "runtime/kernels/ethosu/npu_operations.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <bit>

namespace pteron::runtime::ethosu {
namespace {

constexpr unsigned kBroadcastHeight = 1, kBroadcastWidth = 2, kBroadcastDepth = 4, kReversed = 64;

bool unary(const std::string& mode) {
    return mode == "ABS" || mode == "CLZ" || mode == "LRELU" || mode == "NOT";
}

// The second operand as a dense map the size of the OFM's, or one value for a scalar.
struct SecondOperand {
    DenseMap map;
    std::int64_t scalar = 0;
    bool isScalar = false;
    bool broadcastH = false, broadcastW = false, broadcastC = false;

    std::int64_t at(std::int64_t y, std::int64_t x, std::int64_t c) const {
        if (isScalar) return scalar;
        return map.at(broadcastH ? 0 : y, broadcastW ? 0 : x, broadcastC ? 0 : c);
    }
};

SecondOperand loadSecond(const NpuOperation& op, const NpuMemory& memory) {
    SecondOperand second;
    if (op.ifm2.scalar) {
        second.isScalar = true;
        second.scalar = *op.ifm2.scalar - op.ifm2.zeroPoint;
        return second;
    }
    second.broadcastH = op.ifm2Broadcast & kBroadcastHeight;
    second.broadcastW = op.ifm2Broadcast & kBroadcastWidth;
    second.broadcastC = op.ifm2Broadcast & kBroadcastDepth;
    second.map =
        loadMap(memory, op.ifm2, second.broadcastH ? 1 : op.ofm.height,
                second.broadcastW ? 1 : op.ofm.width, second.broadcastC ? 1 : op.ofm.depth);
    for (auto& value : second.map.values)
        value -= static_cast<std::int32_t>(op.ifm2.zeroPoint);
    return second;
}

// ADD and SUB bring both operands to a common scale first. With operand scaling 0 both are
// multiplied by their 16-bit OPA/OPB factors; otherwise the named operand is rescaled by
// OPA_SCALE and the other is shifted up by the input shift Vela assumes (20 bits for 8-bit
// inputs, 15 for 16-bit) less the one bit the rescale's halving accounts for.
struct OperandScaling {
    unsigned toScale = 0;
    std::int64_t opa = 0, opaShift = 0, opb = 0;
    std::int64_t unscaledShift = 19;
    Rounding rounding = Rounding::Tfl;

    std::pair<std::int64_t, std::int64_t> apply(std::int64_t a, std::int64_t b) const {
        switch (toScale) {
        case 0:
            return {a * opa, b * opb};
        case 1:
            return {rescale(a, opa, opaShift, rounding), b * (std::int64_t{1} << unscaledShift)};
        default:
            return {a * (std::int64_t{1} << unscaledShift), rescale(b, opa, opaShift, rounding)};
        }
    }
};

enum class Mode : std::uint8_t { Add, Sub, Mul, Min, Max, Lrelu, Abs, Clz, Shl, Shr };

Mode modeOf(const std::string& mode) {
    static const std::pair<std::string_view, Mode> kModes[] = {
        {"ADD", Mode::Add}, {"SUB", Mode::Sub},    {"MUL", Mode::Mul}, {"MIN", Mode::Min},
        {"MAX", Mode::Max}, {"ABS", Mode::Abs},    {"CLZ", Mode::Clz}, {"SHL", Mode::Shl},
        {"SHR", Mode::Shr}, {"LRELU", Mode::Lrelu}};
    for (const auto& [name, value] : kModes)
        if (mode == name) return value;
    throw RuntimeError("elementwise mode " + mode + " is not supported yet");
}

std::int64_t countLeadingZeros(std::int64_t value) {
    return std::countl_zero(static_cast<std::uint32_t>(value));
}

// SHR: an arithmetic right shift rounded as the rounding mode rounds every shift (NATURAL half up,
// TRUNCATE toward zero, TFL as the OFM rescale). Shift amounts outside 0..31 are clamped to it,
// as a 32-bit operand holds no further bits.
std::int64_t shiftRight(std::int64_t value, std::int64_t amount, Rounding rounding) {
    return rescale(value, 1, std::clamp<std::int64_t>(amount, 0, 31), rounding);
}

} // namespace

void runElementwise(const NpuOperation& op, NpuMemory& memory) {
    const auto& mode = op.mode;
    const auto ifm = loadMap(memory, op.ifm, op.ofm.height, op.ofm.width, op.ofm.depth);
    const bool isUnary = unary(mode);
    SecondOperand second;
    if (!isUnary) {
        if (!op.ifm2.present) throw RuntimeError("binary elementwise " + mode + " has no IFM2");
        second = loadSecond(op, memory);
    }
    const auto rounding = roundingOf(op);
    const OutputStage stage(op, memory);
    const auto kind = modeOf(mode);
    OperandScaling scaling{op.operandToScale,
                           op.opaMultiplier,
                           op.opaShift,
                           op.opbMultiplier,
                           op.ifm.elementBytes == 1 ? 19 : 14,
                           rounding};
    const bool reversed = op.ifm2Broadcast & kReversed;
    const auto outputScale = [&](std::int64_t value) {
        return op.globalScale ? rescale(value, op.ofmMultiplier, op.ofmShift, rounding) : value;
    };
    // A MUL of 32-bit operands applies the OFM shift only; Vela sets the multiplier anyway
    // ("multiplier not actually used for int32", tflite_graph_optimiser.py) and builds its
    // int8 softmax on this.
    const auto productScale = [&](std::int64_t value) {
        if (op.ifm.elementBytes < 4 || !op.globalScale) return outputScale(value);
        return rescale(value, 1, op.ofmShift, rounding);
    };
    std::vector<std::int64_t> out;
    out.reserve(ifm.values.size());
    std::size_t next = 0;
    for (std::int64_t y = 0; y < op.ofm.height; ++y)
        for (std::int64_t x = 0; x < op.ofm.width; ++x)
            for (std::int64_t c = 0; c < op.ofm.depth; ++c) {
                std::int64_t a = ifm.values[next++] - op.ifm.zeroPoint;
                std::int64_t b = isUnary ? 0 : second.at(y, x, c);
                if (reversed) std::swap(a, b);
                std::int64_t result = 0;
                switch (kind) {
                case Mode::Add:
                case Mode::Sub: {
                    const auto [sa, sb] = scaling.apply(a, b);
                    result = outputScale(kind == Mode::Add ? sa + sb : sa - sb);
                    break;
                }
                case Mode::Mul:
                    result = productScale(a * b);
                    break;
                case Mode::Min:
                    result = outputScale(std::min(a, b));
                    break;
                case Mode::Max:
                    result = outputScale(std::max(a, b));
                    break;
                case Mode::Lrelu:
                    // OFM_SCALE holds alpha (Vela: LRELU only where IFM and OFM share their
                    // quantisation); it scales the negative inputs.
                    result = a < 0 ? rescale(a, op.ofmMultiplier, op.ofmShift, rounding) : a;
                    break;
                case Mode::Shr:
                    result = shiftRight(a, b, rounding);
                    break;
                case Mode::Abs:
                    result = outputScale(a < 0 ? -a : a);
                    break;
                case Mode::Clz:
                    result = countLeadingZeros(a);
                    break;
                case Mode::Shl:
                    result = b >= 0 && b < 32 ? static_cast<std::int64_t>(static_cast<std::int32_t>(
                                                    static_cast<std::uint32_t>(a) << b))
                                              : 0;
                    break;
                }
                out.push_back(stage(result));
            }
    storeMap(memory, op.ofm, out);
}

} // namespace pteron::runtime::ethosu
