// TOSA operator and element-type vocabulary per schema revision (enum number -> name).
#pragma once

#include "parsers/tosa/tosa_schema.hpp"

#include <cstdint>
#include <string_view>

namespace pteron::tosa {

// Operator name as the schema spells it ("CONV2D"); empty for numbers the revision lacks.
std::string_view tosaOpName(TosaSchema schema, std::uint32_t op);

// Element type name as the schema spells it ("INT8", "FP32"); empty for unknown numbers.
std::string_view tosaDTypeName(TosaSchema schema, std::uint32_t type);

} // namespace pteron::tosa
