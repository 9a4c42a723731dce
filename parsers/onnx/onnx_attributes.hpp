// ONNX node attributes as typed pteron attributes; tensors and types become printable summaries.
#pragma once

#include "core/attribute.hpp"

#include <onnx/onnx_pb.h>

namespace pteron {

// The attribute's type, inferred from the field set when an old file leaves `type` unset.
::onnx::AttributeProto::AttributeType attributeType(const ::onnx::AttributeProto& attribute);

bool holdsGraphs(const ::onnx::AttributeProto& attribute);

// Every kind except graphs, which the graph reader turns into child graphs.
Attribute convertAttribute(const ::onnx::AttributeProto& attribute);

} // namespace pteron
