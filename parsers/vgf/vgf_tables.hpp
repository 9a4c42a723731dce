// Decodes the module, model-sequence and model-resource flatbuffer sections of a VGF file.
#pragma once

#include "parsers/common/flatbuffer_check.hpp"
#include "parsers/vgf/vgf_document.hpp"

#include <span>
#include <vector>

namespace pteron::vgf {

std::vector<Module> readModules(std::span<const std::byte> section, const FlatbufferSource& source);
ModelSequence readModelSequence(std::span<const std::byte> section, const FlatbufferSource& source);
std::vector<Resource> readResources(std::span<const std::byte> section,
                                    const FlatbufferSource& source);

} // namespace pteron::vgf
