// Bound-checked little-endian reads from a byte span; every miss becomes a FormatError.
#pragma once

#include "core/format_error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pteron {

class LittleEndianReader {
  public:
    // `base` is the file offset of bytes[0], so errors report absolute offsets.
    LittleEndianReader(std::span<const std::byte> bytes, std::string file, std::string format,
                       std::uint64_t base = 0)
        : bytes_(bytes), file_(std::move(file)), format_(std::move(format)), base_(base) {}

    std::size_t size() const { return bytes_.size(); }
    bool has(std::uint64_t offset, std::uint64_t length) const {
        return offset <= bytes_.size() && length <= bytes_.size() - offset;
    }

    std::uint8_t u8(std::uint64_t offset, std::string_view what) const;
    std::uint16_t u16(std::uint64_t offset, std::string_view what) const;
    std::uint32_t u32(std::uint64_t offset, std::string_view what) const;
    std::uint64_t u64(std::uint64_t offset, std::string_view what) const;
    std::int32_t i32(std::uint64_t offset, std::string_view what) const {
        return static_cast<std::int32_t>(u32(offset, what));
    }
    std::span<const std::byte> bytes(std::uint64_t offset, std::uint64_t length,
                                     std::string_view what) const;
    // Fixed-width text field without its trailing NULs.
    std::string text(std::uint64_t offset, std::uint64_t length, std::string_view what) const;

    [[noreturn]] void fail(std::uint64_t offset, std::string_view expected) const;

  private:
    std::span<const std::byte> bytes_;
    std::string file_;
    std::string format_;
    std::uint64_t base_ = 0;
};

// Printable form of the first bytes of a payload: ASCII letters kept, others as hex.
std::string magicText(std::span<const std::byte> bytes, std::size_t count = 8);

// True when `bytes` holds `tag` at `offset`.
bool hasTag(std::span<const std::byte> bytes, std::size_t offset, std::string_view tag);

} // namespace pteron
