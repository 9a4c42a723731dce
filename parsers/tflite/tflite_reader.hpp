// Reader for TFLite flatbuffers (.tflite), including Vela-optimised models for Ethos-U NPUs.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader tfliteFormatReader();

} // namespace pteron
