// The fixed 128-byte VGF header: magic, format version and the four section ranges.
#pragma once

#include "core/little_endian_reader.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace pteron::vgf {

inline constexpr std::size_t kHeaderSize = 128;

enum class MagicKind : std::uint8_t { FourCC, Legacy };

struct SectionRange {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

enum class Section : std::uint8_t { Modules, ModelSequence, Resources, Constants };

struct Header {
    MagicKind magic = MagicKind::FourCC;
    std::uint16_t vkHeaderVersion = 0;
    std::uint8_t major = 0;
    std::uint8_t minor = 0;
    std::uint8_t patch = 0;
    std::array<SectionRange, 4> sections{};

    const SectionRange& range(Section section) const {
        return sections[static_cast<std::size_t>(section)];
    }
    std::string versionText() const;
};

// True when `bytes` starts with either VGF magic.
bool hasVgfMagic(std::span<const std::byte> bytes);

// Reads the header and checks the version and that every section lies inside `reader`'s bytes.
Header readHeader(const LittleEndianReader& reader);

std::string_view sectionName(Section section);
std::string_view magicKindName(MagicKind kind);

} // namespace pteron::vgf
