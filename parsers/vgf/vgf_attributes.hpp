// Printable facts about a VGF file and its segments, shared by the file reader and the payload
// decoder.
#pragma once

#include "core/attribute.hpp"
#include "parsers/vgf/vgf_document.hpp"

namespace pteron::vgf {

// Header and section facts: magic, version, counts, constants layout.
Attributes documentAttributes(const Document& document);
// One segment: type, module, entry point, code, dispatch shape, constant count.
Attributes segmentAttributes(const Document& document, std::size_t segmentIndex);

} // namespace pteron::vgf
