// The byte layout of a .pte file: optional eh00 extended header, flatbuffer region and segments.
#pragma once

#include "core/byte_view.hpp"
#include "core/mapped_file.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace pteron {

struct PteLayout {
    std::uint32_t headerLength = 0; // 0 when the file has no eh00 header
    std::uint64_t programSize = 0;  // flatbuffer bytes from offset 0
    std::uint64_t segmentBaseOffset = 0;
    std::uint64_t segmentDataSize = 0; // 0 when the header is the 24-byte form

    bool hasExtendedHeader() const { return headerLength != 0; }
};

// Reads and checks the eh00 header against the file size; throws FormatError.
PteLayout readPteLayout(const MappedFile& file);

// Bytes of segment data at [offset, offset+size) past the segment base, bound-checked.
ByteView segmentBytes(const std::shared_ptr<const MappedFile>& file, const PteLayout& layout,
                      std::uint64_t offset, std::uint64_t size, const std::string& tablePath);

} // namespace pteron
