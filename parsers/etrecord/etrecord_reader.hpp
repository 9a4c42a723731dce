// Reader for ExecuTorch ETRecords (a ZIP with an ETRECORD_V0 member): every recorded
// ExportedProgram becomes a graph, the edge-dialect forward method first, with weights from the
// programs' state dicts and the debug-handle and delegate maps in the metadata.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader etrecordFormatReader();

} // namespace pteron
