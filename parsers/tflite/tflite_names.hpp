// TFLite enum values as pteron names: operator codes, tensor types, padding and activations.
#pragma once

#include "core/attribute.hpp"
#include "core/dtype.hpp"

#include <tflite_model_generated.h>

#include <string>

namespace pteron::tflite {

namespace fb = pteron::fb::tflite;

// The builtin code of an operator code: the extended field when set, else the legacy byte.
std::int32_t builtinCode(const fb::OperatorCode& code);

// "tflite.CONV_2D", "tflite.custom:ethos-u", or "tflite.BUILTIN_<n>" for codes newer than ours.
std::string operatorName(const fb::OperatorCode* code);

// The custom code of an operator code, or empty for builtins.
std::string customCode(const fb::OperatorCode* code);

DType dtypeOf(fb::TensorType type);
EnumValue tensorTypeValue(fb::TensorType type);
EnumValue paddingValue(fb::Padding padding);
EnumValue activationValue(fb::ActivationFunctionType activation);

} // namespace pteron::tflite
