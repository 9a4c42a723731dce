// The TOSA.001000.1 SPIR-V extended instruction set: instruction numbers, op names, operand names.
#pragma once

#include "core/attribute.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pteron::vgf {

inline constexpr std::string_view kTosaInstructionSet = "TOSA.001000.1";

struct TosaInstruction {
    std::string_view op; // canonical TOSA 1.0 operator name, e.g. "CONV2D"
    std::array<std::string_view, 10> operands{};
    std::size_t operandCount() const;
    // Leading operands that are attributes; the tensor inputs follow them.
    std::size_t attributeCount() const;
};

// True for attributes that are lists whatever their length (pad, stride, kernel...).
bool isListAttribute(std::string_view operand);

// The instruction with extended-instruction number `number`, or nullptr.
const TosaInstruction* tosaInstruction(std::uint32_t number);

// Enumerated operands (acc_type, nan_mode, rounding_mode, RESIZE mode) as named values.
std::optional<EnumValue> tosaEnumOperand(std::string_view op, std::string_view operand,
                                         std::int64_t value);

} // namespace pteron::vgf
