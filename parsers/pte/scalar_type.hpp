// Maps ExecuTorch ScalarType numbers onto pteron dtypes.
#pragma once

#include "core/dtype.hpp"

#include <cstdint>

namespace pteron {

DType dtypeFromScalarType(std::int8_t scalarType);

} // namespace pteron
