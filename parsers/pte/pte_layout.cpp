#include "parsers/pte/pte_layout.hpp"

#include "core/little_endian_reader.hpp"

namespace pteron {

namespace {
constexpr std::uint64_t kHeaderOffset = 8;
constexpr std::uint32_t kMinimumHeaderLength = 24;
constexpr std::uint32_t kFullHeaderLength = 32;
} // namespace

PteLayout readPteLayout(const MappedFile& file) {
    LittleEndianReader reader(file.bytes(), file.path(), "executorch");
    PteLayout layout;
    layout.programSize = file.size();
    if (!hasTag(file.bytes(), kHeaderOffset, "eh00")) return layout;

    layout.headerLength = reader.u32(12, "eh00 header length");
    if (layout.headerLength < kMinimumHeaderLength)
        reader.fail(12, "an eh00 header length of at least 24, found " +
                            std::to_string(layout.headerLength));
    layout.programSize = reader.u64(16, "eh00 program_size");
    layout.segmentBaseOffset = reader.u64(24, "eh00 segment_base_offset");
    if (layout.headerLength >= kFullHeaderLength)
        layout.segmentDataSize = reader.u64(32, "eh00 segment_data_size");

    if (layout.programSize < 16 || layout.programSize > file.size())
        reader.fail(16, "program_size within the " + std::to_string(file.size()) +
                            "-byte file, found " + std::to_string(layout.programSize));
    if (layout.segmentBaseOffset > file.size())
        reader.fail(24, "segment_base_offset within the file, found " +
                            std::to_string(layout.segmentBaseOffset));
    if (layout.segmentBaseOffset != 0 && layout.segmentBaseOffset < layout.programSize)
        reader.fail(24, "segment_base_offset at or after the program data");
    if (layout.segmentDataSize > file.size() - layout.segmentBaseOffset)
        reader.fail(32, "segment data of " + std::to_string(layout.segmentDataSize) +
                            " bytes to fit in the file (truncated file?)");
    return layout;
}

ByteView segmentBytes(const std::shared_ptr<const MappedFile>& file, const PteLayout& layout,
                      std::uint64_t offset, std::uint64_t size, const std::string& tablePath) {
    LittleEndianReader reader(file->bytes(), file->path(), "executorch");
    if (layout.segmentBaseOffset == 0)
        reader.fail(8, tablePath + " refers to segment data, but the file has no segment base");
    const std::uint64_t start = layout.segmentBaseOffset + offset;
    if (start < offset || !reader.has(start, size))
        reader.fail(start, tablePath + ": " + std::to_string(size) +
                               " bytes of segment data inside the file");
    return ByteView(file, file->bytes().subspan(start, size));
}

} // namespace pteron
