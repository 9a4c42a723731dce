// PyTorch's type promotion for the portable kernels: the common type of two tensors, of a
// tensor and a Scalar, and the type arithmetic happens in.
#pragma once

#include "core/attribute.hpp"
#include "core/dtype.hpp"

#include <cstdint>

namespace pteron::runtime::aten {

bool isFloatType(DType type);
bool isIntegralType(DType type, bool includeBool);
// torch.promote_types.
DType promoteTypes(DType a, DType b);
// The result type of tensor (op) Scalar: the Scalar only raises the category (bool < integer
// < floating), to int64 or fp32.
DType promoteWithScalar(DType tensor, const AttributeValue& scalar);
// fp16/bf16 compute in fp32 (as ExecuTorch's get_compute_type does).
DType computeTypeOf(DType common);
// ExecuTorch ScalarType number -> DType (core's mapping), Unknown for types these kernels do not
// compute on (quantised, fp8, packed).
DType dtypeFromScalarType(std::int64_t scalarType);

} // namespace pteron::runtime::aten
