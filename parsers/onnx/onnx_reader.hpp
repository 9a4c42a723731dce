// Reader for ONNX models (.onnx): the main graph, control-flow bodies, initializers as file views.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader onnxFormatReader();

} // namespace pteron
