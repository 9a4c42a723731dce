// Reader for TOSA flatbuffers (.tosa, identifier "TOSA"), schema revisions 0.80, 1.0 and 1.1.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader tosaFormatReader();

} // namespace pteron
