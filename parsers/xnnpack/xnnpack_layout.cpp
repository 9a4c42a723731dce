#include "parsers/xnnpack/xnnpack_layout.hpp"

#include "core/little_endian_reader.hpp"

namespace pteron {

namespace {

// The writer pads the 30 header bytes it fills to 32; both are accepted.
constexpr std::uint16_t kMinimumHeaderLength = 30;

XnnpackRegion checkedRegion(const LittleEndianReader& reader, std::uint64_t offset,
                            std::uint64_t size, std::uint64_t fieldOffset, std::string_view what) {
    if (!reader.has(offset, size))
        reader.fail(fieldOffset, std::string(what) + " of " + std::to_string(size) +
                                     " bytes at payload offset " + std::to_string(offset) +
                                     " inside the " + std::to_string(reader.size()) +
                                     "-byte payload");
    return {offset, size};
}

} // namespace

XnnpackLayout readXnnpackLayout(const DelegatePayload& payload) {
    const auto bytes = payload.bytes.bytes();
    XnnpackLayout layout;
    if (!hasTag(bytes, 4, "XH00")) {
        layout.flatbuffer = {0, bytes.size()};
        return layout;
    }
    const LittleEndianReader reader(bytes, payload.file, "xnnpack", payload.bytes.fileOffset());
    layout.hasHeader = true;
    layout.headerLength = reader.u16(8, "XH00 header length");
    if (layout.headerLength < kMinimumHeaderLength || layout.headerLength > bytes.size())
        reader.fail(8, "an XH00 header length of at least 30 bytes inside the " +
                           std::to_string(bytes.size()) + "-byte payload, found " +
                           std::to_string(layout.headerLength));
    layout.flatbuffer =
        checkedRegion(reader, reader.u32(10, "XH00 flatbuffer offset"),
                      reader.u32(14, "XH00 flatbuffer size"), 10, "an XNNPACK flatbuffer");
    layout.constants =
        checkedRegion(reader, reader.u32(18, "XH00 constant data offset"),
                      reader.u64(22, "XH00 constant data size"), 18, "XNNPACK constant data");
    return layout;
}

std::string xnnpackWhere(const DelegatePayload& payload, std::uint64_t payloadOffset,
                         const std::string& path) {
    std::string table = payload.tablePath;
    if (!path.empty()) table += (table.empty() ? "" : " ") + path;
    return atOffset(payload.bytes.fileOffset() + payloadOffset, table);
}

} // namespace pteron
