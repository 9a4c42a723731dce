// Builtin operator options of a TFLite operator, decoded into typed attributes.
#pragma once

#include "core/attribute.hpp"
#include "parsers/tflite/tflite_names.hpp"

namespace pteron::tflite {

// Attributes of the common option tables (conv, pooling, fully connected, reshape, ...); other
// tables yield only an "options" attribute naming the table.
Attributes builtinOptionAttributes(const fb::Operator& op);

} // namespace pteron::tflite
