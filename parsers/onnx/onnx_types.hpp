// ONNX element types and value types mapped onto pteron dtypes, shapes and printable summaries.
#pragma once

#include "core/value.hpp"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>

namespace pteron {

// TensorProto.DataType number -> dtype; Unknown for numbers this build does not know.
DType dtypeFromOnnx(std::int32_t dataType);

// Fills dtype and shape of `value` from a TypeProto; symbolic dims become -1 and their names
// are kept in the "symbolic dims" attribute. Non-tensor types are described in "type".
void applyOnnxType(const ::onnx::TypeProto& type, Value& value);

// Printable description of a type: "float32[N,3]", "sequence<int64[]>".
std::string onnxTypeText(const ::onnx::TypeProto& type);

// "tensor fp32[3,3], 36 bytes" for attribute summaries.
std::string tensorSummary(const ::onnx::TensorProto& tensor);

} // namespace pteron
