#include "parsers/etdump/etdump_file.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "etdump_generated.h"
#include "parsers/common/flatbuffer_check.hpp"

#include <cstdint>
#include <filesystem>

namespace pteron {

namespace {

constexpr std::size_t kPrefixBytes = sizeof(flatbuffers::uoffset_t);
constexpr std::size_t kIdentifierOffset = 8; // size prefix, root offset, then the identifier

} // namespace

bool looksLikeEtdump(std::span<const std::byte> bytes, std::string_view path) {
    if (hasTag(bytes, kIdentifierOffset, "ED00")) return true;
    return std::filesystem::path(path).extension() == ".etdp";
}

const fb::etdump::ETDump& verifiedEtdump(const MappedFile& file) {
    const auto bytes = file.bytes();
    const LittleEndianReader reader(bytes, file.path(), kEtdumpFormat);
    const std::uint64_t prefix = reader.u32(0, "the size prefix of the ETDump flatbuffer");
    if (!reader.has(kPrefixBytes, prefix))
        reader.fail(0, "a size prefix of at most " + std::to_string(bytes.size() - kPrefixBytes) +
                           " bytes (the rest of the file), found " + std::to_string(prefix));
    if (!hasTag(bytes, kIdentifierOffset, "ED00"))
        reader.fail(kIdentifierOffset,
                    "flatbuffer identifier \"ED00\", found \"" +
                        magicText(bytes.subspan(std::min(bytes.size(), kIdentifierOffset)), 4) +
                        "\"");
    const auto whole = bytes.first(kPrefixBytes + prefix);
    const auto* data = reinterpret_cast<const std::uint8_t*>(whole.data());
    if (reinterpret_cast<std::uintptr_t>(data) % 8 != 0)
        reader.fail(0, "a flatbuffer starting on an 8-byte boundary");
    if (whole.size() >= FLATBUFFERS_MAX_BUFFER_SIZE)
        reader.fail(0, "a flatbuffer smaller than 2 GiB");
    flatbuffers::Verifier verifier(data, whole.size(), verifierOptions(whole.size()));
    if (!verifier.VerifySizePrefixedBuffer<fb::etdump::ETDump>("ED00"))
        throw FormatError(file.path(), kEtdumpFormat, atOffset(kPrefixBytes, "ETDump"),
                          "a well-formed flatbuffer (verification failed: an offset, vector or "
                          "table points outside the buffer or is misaligned)");
    return *flatbuffers::GetSizePrefixedRoot<fb::etdump::ETDump>(data);
}

} // namespace pteron
