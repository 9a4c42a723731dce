// The version facts of a decoded TOSA flatbuffer as attributes for a model or a payload graph.
#pragma once

#include "core/attribute.hpp"
#include "parsers/tosa/tosa_graph_decoder.hpp"

namespace pteron::tosa {

// "tosa version" "1.0.0", "draft" false, "schema" "1.0", and "software version" when present.
Attributes versionAttributes(const TosaDecoded& decoded);

} // namespace pteron::tosa
