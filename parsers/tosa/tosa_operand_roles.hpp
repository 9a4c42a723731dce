// Names TOSA operator inputs by their role in the specification ("input", "weight", "input_zp").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pteron::tosa {

// Role of input `index` of operator `op` (schema spelling, "CONV2D"). 0.80 files carry the
// leading operands only (zero points and shapes were attributes then), so one table serves
// every revision. CONCAT's list elements are "input1[<index>]"; inputs past the table are
// "input<index>". The VGF reader names SPIR-V TOSA operands through this same table.
std::string tosaInputRole(std::string_view op, std::size_t index);

// "output" for a single result, "output<index>" otherwise.
std::string tosaOutputRole(std::size_t index, std::size_t count);

} // namespace pteron::tosa
