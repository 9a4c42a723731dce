#include "parsers/vgf/vgf_header.hpp"

namespace pteron::vgf {
namespace {

// The pre-FourCC files start with this number stored as a host-endian (little-endian) u32.
constexpr std::uint32_t kLegacyMagic = 0xF0E1D2C3;
constexpr std::uint32_t kFourCCMagic = 0x31464756; // "VGF1" read as a little-endian u32
constexpr std::uint64_t kFirstSectionField = 16;

} // namespace

std::string Header::versionText() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

bool hasVgfMagic(std::span<const std::byte> bytes) {
    return hasTag(bytes, 0, "VGF1") || hasTag(bytes, 0, "\xc3\xd2\xe1\xf0");
}

std::string_view sectionName(Section section) {
    switch (section) {
    case Section::Modules:
        return "module table";
    case Section::ModelSequence:
        return "model sequence table";
    case Section::Resources:
        return "model resource table";
    case Section::Constants:
        return "constants";
    }
    return "section";
}

std::string_view magicKindName(MagicKind kind) {
    return kind == MagicKind::FourCC ? "VGF1" : "legacy 0xF0E1D2C3";
}

Header readHeader(const LittleEndianReader& reader) {
    Header header;
    const auto magic = reader.u32(0, "VGF magic");
    if (magic == kFourCCMagic)
        header.magic = MagicKind::FourCC;
    else if (magic == kLegacyMagic)
        header.magic = MagicKind::Legacy;
    else
        reader.fail(0, "the VGF magic \"VGF1\" or 0xF0E1D2C3");
    reader.bytes(0, kHeaderSize, "the 128-byte VGF header");
    header.vkHeaderVersion = reader.u16(4, "Vulkan header version");
    header.major = reader.u8(8, "major version");
    header.minor = reader.u8(9, "minor version");
    header.patch = reader.u8(10, "patch version");
    // Published layouts: 0.3.x (pre-0.4.0, legacy magic or VGF1) through 0.4.x (0.4.3 is
    // current); earlier drafts and later layouts are not known here.
    if (header.major != 0 || header.minor < 3 || header.minor > 4)
        reader.fail(8, "VGF format version 0.3 to 0.4.x, found " + header.versionText());
    for (std::size_t i = 0; i < header.sections.size(); ++i) {
        const auto field = kFirstSectionField + 16 * i;
        const auto name = std::string(sectionName(static_cast<Section>(i)));
        SectionRange range{reader.u64(field, name + " offset"),
                           reader.u64(field + 8, name + " size")};
        if (range.offset < kHeaderSize && range.size != 0)
            reader.fail(field, "the " + name + " to start after the header");
        if (!reader.has(range.offset, range.size))
            reader.fail(field, "the " + name + " (offset " + std::to_string(range.offset) + ", " +
                                   std::to_string(range.size) + " bytes) inside the " +
                                   std::to_string(reader.size()) + "-byte file");
        header.sections[i] = range;
    }
    return header;
}

} // namespace pteron::vgf
