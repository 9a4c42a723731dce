// Maps TOSA element types (numbered differently per schema revision) onto pteron::DType.
#pragma once

#include "core/dtype.hpp"
#include "parsers/tosa/tosa_schema.hpp"

#include <cstdint>
#include <string_view>

namespace pteron::tosa {

// DType for a TOSA type name ("INT48" -> Int48); Unknown for types pteron has no DType for.
DType dtypeFromTosaName(std::string_view name);

// DType of a TosaTensor.type number in the given revision.
DType tosaDType(TosaSchema schema, std::uint32_t type);

} // namespace pteron::tosa
