// A bound-checked ZIP reader (central directory, ZIP64 sizes, stored and deflate entries) for
// NumPy .npz archives and ExecuTorch ETRecords.
#pragma once

#include "core/byte_view.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

struct ZipEntry {
    std::string name;
    std::uint16_t method = 0; // 0 stored, 8 deflate
    std::uint16_t flags = 0;
    std::uint32_t crc32 = 0;
    std::uint64_t compressedSize = 0;
    std::uint64_t uncompressedSize = 0;
    std::uint64_t localHeaderOffset = 0;
};

// Largest expansion deflate can reach (about 1032:1), plus slack for tiny entries; larger
// declared sizes are refused before anything is allocated.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;
// Vela's arrays (command stream, weights, scales, shapes) of the largest models are a few MB;
// an archive whose members inflate past this is refused, naming the member.
inline constexpr std::uint64_t kMaxInflatedBytes = std::uint64_t{64} << 20;

class ZipArchive {
  public:
    // Reads the central directory of `bytes`; throws FormatError (format "zip") when damaged.
    ZipArchive(ByteView bytes, std::string file);

    const std::vector<ZipEntry>& entries() const { return entries_; }
    const ZipEntry* find(std::string_view name) const;

    // The entry's bytes, CRC-checked: stored entries view the archive without copying; deflated
    // ones are inflated as their stream produces bytes, all members together at most
    // kMaxInflatedBytes.
    ByteView contents(const ZipEntry& entry) const;

  private:
    ByteView bytes_;
    std::string file_;
    std::vector<ZipEntry> entries_;
    mutable std::uint64_t inflatedTotal_ = 0;
};

} // namespace pteron
