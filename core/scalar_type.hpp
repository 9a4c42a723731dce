// ExecuTorch's ScalarType numbering (PyTorch's c10::ScalarType) mapped onto pteron dtypes: the
// .pte, bundled-program and ETDump readers and the runtime's aten kernels all speak it.
#pragma once

#include "core/dtype.hpp"

#include <cstdint>

namespace pteron {

// 0 uint8, 1 int8, ... 6 fp32, 11 bool, 15 bf16, 23..26 fp8, 27..29 uint16..uint64; Unknown for
// numbers without a dtype.
DType dtypeFromScalarType(std::int64_t scalarType);

} // namespace pteron
