// Opens an ETDump's size-prefixed flatbuffer and verifies it before any accessor runs.
#pragma once

#include "core/mapped_file.hpp"

#include <cstddef>
#include <span>
#include <string_view>

namespace pteron {

namespace fb::etdump {
struct ETDump;
}

inline constexpr const char* kEtdumpFormat = "etdump";

// True when `bytes` start with a size prefix followed by a root offset and "ED00".
bool looksLikeEtdump(std::span<const std::byte> bytes, std::string_view path);

// The verified root of the whole file; throws FormatError naming the offset that failed.
const fb::etdump::ETDump& verifiedEtdump(const MappedFile& file);

} // namespace pteron
