// Decodes the constants section of a VGF file (CONST00 layout or the older flatbuffer) into views.
#pragma once

#include "parsers/vgf/vgf_document.hpp"

#include <string>
#include <vector>

namespace pteron::vgf {

struct ConstantsSection {
    ConstantLayout layout = ConstantLayout::Absent;
    std::vector<Constant> constants;
};

// `section` is the section's bytes inside the file; constant data stays a view into it.
ConstantsSection readConstants(const ByteView& section, const std::string& file);

} // namespace pteron::vgf
