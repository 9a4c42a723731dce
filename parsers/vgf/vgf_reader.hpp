// Reader for VGF files of the ML SDK for Vulkan (.vgf): each model-sequence segment becomes a
// graph.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader vgfFormatReader();

} // namespace pteron
