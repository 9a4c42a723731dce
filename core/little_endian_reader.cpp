#include "core/little_endian_reader.hpp"

#include <cstring>

namespace pteron {

void LittleEndianReader::fail(std::uint64_t offset, std::string_view expected) const {
    throw FormatError(file_, format_, atOffset(base_ + offset), std::string(expected));
}

std::span<const std::byte> LittleEndianReader::bytes(std::uint64_t offset, std::uint64_t length,
                                                     std::string_view what) const {
    if (!has(offset, length))
        fail(offset, std::string(what) + " of " + std::to_string(length) + " bytes inside the " +
                         std::to_string(bytes_.size()) + "-byte data");
    return bytes_.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
}

std::uint8_t LittleEndianReader::u8(std::uint64_t offset, std::string_view what) const {
    return std::to_integer<std::uint8_t>(bytes(offset, 1, what)[0]);
}

std::uint16_t LittleEndianReader::u16(std::uint64_t offset, std::string_view what) const {
    auto b = bytes(offset, 2, what);
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[0]) |
                                      (std::to_integer<unsigned>(b[1]) << 8));
}

std::uint32_t LittleEndianReader::u32(std::uint64_t offset, std::string_view what) const {
    auto b = bytes(offset, 4, what);
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i)
        value = (value << 8) | std::to_integer<std::uint32_t>(b[i]);
    return value;
}

std::uint64_t LittleEndianReader::u64(std::uint64_t offset, std::string_view what) const {
    auto b = bytes(offset, 8, what);
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | std::to_integer<std::uint64_t>(b[i]);
    return value;
}

std::string LittleEndianReader::text(std::uint64_t offset, std::uint64_t length,
                                     std::string_view what) const {
    auto b = bytes(offset, length, what);
    std::string result(reinterpret_cast<const char*>(b.data()), b.size());
    result.resize(std::strlen(result.c_str()));
    return result;
}

std::string magicText(std::span<const std::byte> bytes, std::size_t count) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (std::size_t i = 0; i < bytes.size() && i < count; ++i) {
        const auto c = std::to_integer<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            text += static_cast<char>(c);
        } else {
            text += "\\x";
            text += digits[c >> 4];
            text += digits[c & 0xf];
        }
    }
    return text;
}

bool hasTag(std::span<const std::byte> bytes, std::size_t offset, std::string_view tag) {
    if (offset > bytes.size() || tag.size() > bytes.size() - offset) return false;
    return std::memcmp(bytes.data() + offset, tag.data(), tag.size()) == 0;
}

} // namespace pteron
