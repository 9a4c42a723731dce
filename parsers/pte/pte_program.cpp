#include "parsers/pte/pte_program.hpp"

#include "core/format_error.hpp"
#include "executorch_program_generated.h"

namespace pteron {

ByteView PteProgram::segment(std::uint64_t index, const std::string& tablePath) const {
    const auto* segments = root->segments();
    if (!segments || index >= segments->size())
        fail(tablePath, "segment index " + std::to_string(index) + " below the " +
                            std::to_string(segments ? segments->size() : 0) + " segments");
    const auto* entry = segments->Get(static_cast<flatbuffers::uoffset_t>(index));
    return segmentBytes(file, layout, entry->offset(), entry->size(),
                        tablePath + " -> Program.segments[" + std::to_string(index) + "]");
}

void PteProgram::fail(const std::string& tablePath, const std::string& expected) const {
    throw FormatError(file->path(), kPteFormat, tablePath, expected);
}

} // namespace pteron
