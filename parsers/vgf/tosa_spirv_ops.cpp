#include "parsers/vgf/tosa_spirv_ops.hpp"

namespace pteron::vgf {
namespace {

// Index = extended-instruction number. Operand names and order follow the instruction set's
// grammar: attributes come first, then tensor inputs.
constexpr std::array<TosaInstruction, 66> kInstructions{{
    {"ARGMAX", {"axis", "nan_mode", "input"}},
    {"AVG_POOL2D", {"kernel", "stride", "pad", "acc_type", "input", "input_zp", "output_zp"}},
    {"CONV2D",
     {"pad", "stride", "dilation", "acc_type", "local_bound", "input", "weight", "bias", "input_zp",
      "weight_zp"}},
    {"CONV3D",
     {"pad", "stride", "dilation", "acc_type", "local_bound", "input", "weight", "bias", "input_zp",
      "weight_zp"}},
    {"DEPTHWISE_CONV2D",
     {"pad", "stride", "dilation", "acc_type", "local_bound", "input", "weight", "bias", "input_zp",
      "weight_zp"}},
    {"FFT2D", {"inverse", "local_bound", "input_real", "input_imag"}},
    {"MATMUL", {"A", "B", "A_zp", "B_zp"}},
    {"MAX_POOL2D", {"kernel", "stride", "pad", "nan_mode", "input"}},
    {"RFFT2D", {"local_bound", "input_real"}},
    {"TRANSPOSE_CONV2D",
     {"out_pad", "stride", "acc_type", "local_bound", "input", "weight", "bias", "input_zp",
      "weight_zp"}},
    {"CLAMP", {"min_val", "max_val", "nan_mode", "input"}},
    {"ERF", {"input"}},
    {"SIGMOID", {"input"}},
    {"TANH", {"input"}},
    {"ADD", {"input1", "input2"}},
    {"ARITHMETIC_RIGHT_SHIFT", {"round", "input1", "input2"}},
    {"BITWISE_AND", {"input1", "input2"}},
    {"BITWISE_OR", {"input1", "input2"}},
    {"BITWISE_XOR", {"input1", "input2"}},
    {"INTDIV", {"input1", "input2"}},
    {"LOGICAL_AND", {"input1", "input2"}},
    {"LOGICAL_LEFT_SHIFT", {"input1", "input2"}},
    {"LOGICAL_RIGHT_SHIFT", {"input1", "input2"}},
    {"LOGICAL_OR", {"input1", "input2"}},
    {"LOGICAL_XOR", {"input1", "input2"}},
    {"MAXIMUM", {"nan_mode", "input1", "input2"}},
    {"MINIMUM", {"nan_mode", "input1", "input2"}},
    {"MUL", {"input1", "input2", "shift"}},
    {"POW", {"input1", "input2"}},
    {"SUB", {"input1", "input2"}},
    {"TABLE", {"input1", "table"}},
    {"ABS", {"input1"}},
    {"BITWISE_NOT", {"input1"}},
    {"CEIL", {"input1"}},
    {"CLZ", {"input1"}},
    {"COS", {"input1"}},
    {"EXP", {"input1"}},
    {"FLOOR", {"input1"}},
    {"LOG", {"input1"}},
    {"LOGICAL_NOT", {"input1"}},
    {"NEGATE", {"input1", "input1_zp", "output_zp"}},
    {"RECIPROCAL", {"input1"}},
    {"RSQRT", {"input1"}},
    {"SIN", {"input1"}},
    {"SELECT", {"input1", "input2", "input3"}},
    {"EQUAL", {"input1", "input2"}},
    {"GREATER", {"input1", "input2"}},
    {"GREATER_EQUAL", {"input1", "input2"}},
    {"REDUCE_ALL", {"axis", "input"}},
    {"REDUCE_ANY", {"axis", "input"}},
    {"REDUCE_MAX", {"axis", "nan_mode", "input"}},
    {"REDUCE_MIN", {"axis", "nan_mode", "input"}},
    {"REDUCE_PRODUCT", {"axis", "input"}},
    {"REDUCE_SUM", {"axis", "input"}},
    {"CONCAT", {"axis", "input1"}},
    {"PAD", {"input1", "padding", "pad_const"}},
    {"RESHAPE", {"input1", "shape"}},
    {"REVERSE", {"axis", "input1"}},
    {"SLICE", {"input1", "start", "size"}},
    {"TILE", {"input1", "multiples"}},
    {"TRANSPOSE", {"perms", "input1"}},
    {"GATHER", {"values", "indices"}},
    {"SCATTER", {"values_in", "indices", "input"}},
    {"RESIZE", {"mode", "input", "scale", "offset", "border"}},
    {"CAST", {"input"}},
    {"RESCALE",
     {"scale32", "rounding_mode", "per_channel", "input_unsigned", "output_unsigned", "input",
      "multiplier", "shift", "input_zp", "output_zp"}},
}};

struct EnumName {
    std::int64_t value;
    std::string_view name;
};

// acc_type uses its own numbering in the SPIR-V form (not the flatbuffer DType numbers).
constexpr std::array kAccTypes{EnumName{1, "INT32"}, EnumName{2, "FP16"}, EnumName{3, "FP32"},
                               EnumName{4, "INT48"}};
constexpr std::array kNanModes{EnumName{1, "PROPAGATE"}, EnumName{2, "IGNORE"}};
constexpr std::array kRoundingModes{EnumName{1, "SINGLE_ROUND"}, EnumName{2, "INEXACT_ROUND"},
                                    EnumName{3, "DOUBLE_ROUND"}};
constexpr std::array kResizeModes{EnumName{1, "NEAREST"}, EnumName{2, "BILINEAR"}};

template <std::size_t N> EnumValue named(const std::array<EnumName, N>& names, std::int64_t value) {
    for (const auto& entry : names)
        if (entry.value == value) return {std::string(entry.name), value};
    return {"UNKNOWN(" + std::to_string(value) + ")", value};
}

} // namespace

std::size_t TosaInstruction::operandCount() const {
    std::size_t count = 0;
    while (count < operands.size() && !operands[count].empty())
        ++count;
    return count;
}

std::size_t TosaInstruction::attributeCount() const {
    // The first tensor input of every instruction has one of these names.
    constexpr std::array<std::string_view, 6> kFirstInputs{"input",  "input1",    "A",
                                                           "values", "values_in", "input_real"};
    const auto count = operandCount();
    for (std::size_t i = 0; i < count; ++i)
        for (const auto name : kFirstInputs)
            if (operands[i] == name) return i;
    return count;
}

bool isListAttribute(std::string_view operand) {
    constexpr std::array<std::string_view, 6> kLists{"pad",    "stride",  "dilation",
                                                     "kernel", "out_pad", "perms"};
    for (const auto name : kLists)
        if (operand == name) return true;
    return false;
}

const TosaInstruction* tosaInstruction(std::uint32_t number) {
    return number < kInstructions.size() ? &kInstructions[number] : nullptr;
}

std::optional<EnumValue> tosaEnumOperand(std::string_view op, std::string_view operand,
                                         std::int64_t value) {
    if (operand == "acc_type") return named(kAccTypes, value);
    if (operand == "nan_mode") return named(kNanModes, value);
    if (operand == "rounding_mode") return named(kRoundingModes, value);
    if (op == "RESIZE" && operand == "mode") return named(kResizeModes, value);
    return std::nullopt;
}

} // namespace pteron::vgf
