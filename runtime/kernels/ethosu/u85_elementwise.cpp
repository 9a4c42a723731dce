// What each U85 elementwise mode computes follows from how Vela lowers TFLite and TOSA operators
// onto it (Regor ethos_u85_register_cs_generator.cpp: kElementwiseMap,
// GenerateScalingForElementwise; tflite_graph_optimiser.cpp: ConvertQuantizationToExplicit;
// graphir_optimiser.cpp: booleans are -1 and 0, SELECT is OR(AND(a, s), AND_NOT(b, s)), ASR rounds
// NATURAL or TRUNCATE_TO_LOWER).
#include "runtime/kernels/ethosu/u85_elementwise.hpp"

#include "runtime/kernels/ethosu/npu_feature_map_io.hpp"
#include "runtime/kernels/ethosu/npu_operations.hpp"
#include "runtime/kernels/ethosu/u85_scaling.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace pteron::runtime::ethosu {
namespace {

enum class Mode : std::uint8_t {
    Add,
    Sub,
    Mul,
    Min,
    Max,
    Lrelu,
    Abs,
    Clz,
    Shr,
    Shl,
    Lsr,
    CmpEq,
    CmpNe,
    CmpGe,
    CmpGt,
    And,
    Or,
    Xor,
    Not,
    AndNot,
};

// How a mode uses the scale registers.
enum class Scales : std::uint8_t {
    Full,    // each operand by its IFM scale, the result by OFM_SCALE
    Product, // MUL: unit operand scales (Vela: no input scaling for MUL), OFM_SCALE
    Alpha,   // LRELU: IFM_SCALE for inputs >= 0, IFM2_SCALE (alpha folded in) below 0
    Compare, // operands scaled, the -1/0 result takes a unit OFM_SCALE
    Raw,     // shifts, CLZ and bitwise modes: every scale is unit
};

struct ModeInfo {
    std::string_view name;
    Mode mode;
    bool unary;
    Scales scales;
};

constexpr ModeInfo kModes[] = {
    {"ADD", Mode::Add, false, Scales::Full},
    {"SUB", Mode::Sub, false, Scales::Full},
    {"MUL", Mode::Mul, false, Scales::Product},
    {"MIN", Mode::Min, false, Scales::Full},
    {"MAX", Mode::Max, false, Scales::Full},
    {"LRELU", Mode::Lrelu, true, Scales::Alpha},
    {"ABS", Mode::Abs, true, Scales::Full},
    {"CLZ", Mode::Clz, true, Scales::Raw},
    {"SHR", Mode::Shr, false, Scales::Raw},
    {"SHL", Mode::Shl, false, Scales::Raw},
    {"LSR", Mode::Lsr, false, Scales::Raw},
    {"CMP_EQ", Mode::CmpEq, false, Scales::Compare},
    {"CMP_NE", Mode::CmpNe, false, Scales::Compare},
    {"CMP_GE", Mode::CmpGe, false, Scales::Compare},
    {"CMP_GT", Mode::CmpGt, false, Scales::Compare},
    {"AND", Mode::And, false, Scales::Raw},
    {"OR", Mode::Or, false, Scales::Raw},
    {"XOR", Mode::Xor, false, Scales::Raw},
    {"NOT", Mode::Not, true, Scales::Raw},
    {"AND_NOT", Mode::AndNot, false, Scales::Raw},
};

const ModeInfo* modeInfo(const std::string& name) {
    for (const auto& info : kModes)
        if (info.name == name) return &info;
    return nullptr;
}

bool isUnit(const NpuOperation::OperandScale& scale) {
    return scale.multiplier == 1 && scale.shift == 0;
}

bool unitOutput(const NpuOperation& op) {
    return op.ofmMultiplier == 1 && op.ofmShift == 0;
}

std::string scaleReason(const NpuOperation& op, const ModeInfo& info) {
    const bool unitInputs = isUnit(op.ifmScale) && (info.unary || isUnit(op.ifm2Scale));
    const auto prefix = "Ethos-U85 elementwise " + op.mode;
    switch (info.scales) {
    case Scales::Full:
    case Scales::Alpha:
        return {};
    case Scales::Product:
        if (!unitInputs) return prefix + " with scaled operands is not one Vela programs";
        if (op.ifm.elementBytes == 4 && op.ofmMultiplier != 1)
            return prefix + " of 32-bit operands with an OFM multiplier is not one Vela programs "
                            "(the U85 scales it by its shift alone)";
        return {};
    case Scales::Compare:
        if (!unitOutput(op)) return prefix + " with an OFM scale is not executed yet";
        return {};
    case Scales::Raw:
        if (!unitInputs || !unitOutput(op))
            return prefix + " with operand or OFM scales is not executed yet";
        return {};
    }
    return {};
}

std::int64_t saturate(Int128 value) {
    constexpr auto low = std::numeric_limits<std::int64_t>::min();
    constexpr auto high = std::numeric_limits<std::int64_t>::max();
    return static_cast<std::int64_t>(std::clamp<Int128>(value, low, high));
}

// The value's low `bits` bits read back as the feature map's type reads them.
std::int64_t wrapTo(std::uint64_t raw, unsigned bits, bool isSigned) {
    if (bits >= 64) return static_cast<std::int64_t>(raw);
    raw &= (std::uint64_t{1} << bits) - 1;
    if (isSigned && (raw >> (bits - 1)) & 1) raw |= ~((std::uint64_t{1} << bits) - 1);
    return static_cast<std::int64_t>(raw);
}

// One operand: a map the OFM's size or broadcast along H/W/C (mode bits 0-2), or a scalar.
struct Operand {
    DenseMap map;
    std::int64_t scalar = 0, zeroPoint = 0;
    bool isScalar = false, alongH = false, alongW = false, alongC = false;

    std::int64_t at(std::int64_t y, std::int64_t x, std::int64_t c) const {
        if (isScalar) return scalar - zeroPoint;
        return map.at(alongH ? 0 : y, alongW ? 0 : x, alongC ? 0 : c) - zeroPoint;
    }
};

Operand loadOperand(const NpuMemory& memory, const NpuFeatureMap& fm, unsigned broadcast,
                    const NpuFeatureMap& ofm) {
    Operand operand;
    operand.zeroPoint = fm.zeroPoint;
    if (fm.scalar) {
        operand.isScalar = true;
        operand.scalar = *fm.scalar;
        return operand;
    }
    operand.alongH = broadcast & 1;
    operand.alongW = broadcast & 2;
    operand.alongC = broadcast & 4;
    operand.map = loadMap(memory, fm, operand.alongH ? 1 : ofm.height,
                          operand.alongW ? 1 : ofm.width, operand.alongC ? 1 : ofm.depth);
    return operand;
}

// The mode's arithmetic on operands whose zero points are already removed.
class Calculator {
  public:
    Calculator(const NpuOperation& op, Mode mode, U85Rounding ofmRounding)
        : op_(op), mode_(mode), ofmRounding_(ofmRounding), bits_(8 * op.ifm.elementBytes),
          isSigned_(op.ifm.isSigned) {}

    std::int64_t operator()(std::int64_t a, std::int64_t b) const {
        switch (mode_) {
        case Mode::Add:
            return output(saturate(Int128{operand(a, op_.ifmScale)} + operand(b, op_.ifm2Scale)));
        case Mode::Sub:
            return output(saturate(Int128{operand(a, op_.ifmScale)} - operand(b, op_.ifm2Scale)));
        case Mode::Mul:
            return output(saturate(Int128{a} * b));
        case Mode::Min:
            return output(std::min(operand(a, op_.ifmScale), operand(b, op_.ifm2Scale)));
        case Mode::Max:
            return output(std::max(operand(a, op_.ifmScale), operand(b, op_.ifm2Scale)));
        case Mode::Lrelu:
            // TFLite's LEAKY_RELU: the identity rescale for inputs >= 0, the alpha one below.
            return output(operand(a, a >= 0 ? op_.ifmScale : op_.ifm2Scale));
        case Mode::Abs: {
            const Int128 scaled = operand(a, op_.ifmScale);
            return output(saturate(scaled < 0 ? -scaled : scaled));
        }
        default:
            return compareOrBits(a, b);
        }
    }

  private:
    std::int64_t operand(std::int64_t value, const NpuOperation::OperandScale& scale) const {
        return u85Rescale(value, scale.multiplier, scale.shift, scale.doubleRound,
                          scale.natural ? U85Rounding::Natural : U85Rounding::DoubleSymmetric);
    }
    std::int64_t output(std::int64_t value) const {
        return u85Rescale(value, op_.ofmMultiplier, op_.ofmShift, op_.ofmDoubleRound, ofmRounding_);
    }
    std::int64_t wrap(std::uint64_t raw) const { return wrapTo(raw, bits_, isSigned_); }

    // Comparisons, shifts, CLZ and bitwise logic; comparisons answer -1 (true) or 0.
    std::int64_t compareOrBits(std::int64_t a, std::int64_t b) const {
        const auto ua = static_cast<std::uint64_t>(a);
        switch (mode_) {
        case Mode::CmpEq:
            return operand(a, op_.ifmScale) == operand(b, op_.ifm2Scale) ? -1 : 0;
        case Mode::CmpNe:
            return operand(a, op_.ifmScale) != operand(b, op_.ifm2Scale) ? -1 : 0;
        case Mode::CmpGe:
            return operand(a, op_.ifmScale) >= operand(b, op_.ifm2Scale) ? -1 : 0;
        case Mode::CmpGt:
            return operand(a, op_.ifmScale) > operand(b, op_.ifm2Scale) ? -1 : 0;
        case Mode::And:
            return a & b;
        case Mode::Or:
            return a | b;
        case Mode::Xor:
            return a ^ b;
        case Mode::AndNot:
            return a & ~b;
        case Mode::Not:
            return wrap(~ua);
        case Mode::Clz:
            return std::countl_zero(static_cast<std::uint32_t>(a));
        case Mode::Shl:
            // TOSA LOGICAL_LEFT_SHIFT: the bits shifted past the operand's width are lost.
            return b >= 0 && b < 32 ? wrap(ua << b) : 0;
        case Mode::Lsr: {
            // TOSA LOGICAL_RIGHT_SHIFT: zeros shifted in at the operand's width.
            const auto width = std::min(bits_, 64u);
            const auto bitsOf = width >= 64 ? ua : ua & ((std::uint64_t{1} << width) - 1);
            return wrap(bitsOf >> std::clamp<std::int64_t>(b, 0, 31));
        }
        case Mode::Shr:
            // Arithmetic right shift rounded as OFM_SCALE's mode says (NATURAL: TOSA ASR
            // with round, TRUNCATE_TO_LOWER: without).
            return u85Rescale(a, 1, std::clamp<std::int64_t>(b, 0, 31), 0, ofmRounding_);
        default:
            throw RuntimeError("Ethos-U85 elementwise mode " + op_.mode + " is not executed yet");
        }
    }

    const NpuOperation& op_;
    Mode mode_;
    U85Rounding ofmRounding_;
    unsigned bits_;
    bool isSigned_;
};

} // namespace

std::string u85ElementwiseUnsupportedReason(const NpuOperation& op) {
    const auto* info = modeInfo(op.mode);
    if (!info) {
        if (op.mode == "DIV")
            return "Ethos-U85 elementwise DIV is not executed yet: its rounding and its division "
                   "by zero are not published";
        return "Ethos-U85 elementwise mode " + op.mode + " is not executed yet";
    }
    if (!u85RoundingOf(op.rounding))
        return "Ethos-U85 rounding mode " + op.rounding + " is not executed yet";
    if (!op.globalScale)
        return "Ethos-U85 elementwise scaling from a per-channel scale stream is not executed yet";
    if (!info->unary && !op.ifm2.present)
        return "Ethos-U85 binary elementwise " + op.mode + " has no IFM2";
    return scaleReason(op, *info);
}

void runU85Elementwise(const NpuOperation& op, NpuMemory& memory) {
    if (const auto reason = u85ElementwiseUnsupportedReason(op); !reason.empty())
        throw RuntimeError(reason);
    const auto& info = *modeInfo(op.mode);
    const auto ifm = loadOperand(memory, op.ifm, op.ifmBroadcast, op.ofm);
    Operand ifm2;
    if (!info.unary) ifm2 = loadOperand(memory, op.ifm2, op.ifm2Broadcast, op.ofm);
    const Calculator calculate(op, info.mode, *u85RoundingOf(op.rounding));
    const OutputStage stage(op, memory);
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(op.ofm.height * op.ofm.width * op.ofm.depth));
    // Past every 32-bit OFM range, and room for the output stage to add its zero point.
    constexpr std::int64_t kLimit = std::int64_t{1} << 62;
    for (std::int64_t y = 0; y < op.ofm.height; ++y)
        for (std::int64_t x = 0; x < op.ofm.width; ++x)
            for (std::int64_t c = 0; c < op.ofm.depth; ++c) {
                const auto value = calculate(ifm.at(y, x, c), info.unary ? 0 : ifm2.at(y, x, c));
                out.push_back(stage(std::clamp(value, -kLimit, kLimit)));
            }
    storeMap(memory, op.ofm, out);
}

} // namespace pteron::runtime::ethosu
