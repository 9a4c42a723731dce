#include "tests/support/stored_zip.hpp"

#include <zlib.h>

#include <cstdint>

namespace pteron::testing {

namespace {

void put(std::vector<std::byte>& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}

void putText(std::vector<std::byte>& out, const std::string& text) {
    for (char c : text)
        out.push_back(static_cast<std::byte>(c));
}

} // namespace

std::vector<std::byte> bytesOf(const std::string& text) {
    std::vector<std::byte> bytes;
    putText(bytes, text);
    return bytes;
}

std::vector<std::byte> storedZip(const ZipMembers& members) {
    std::vector<std::byte> out;
    std::vector<std::byte> central;
    for (const auto& [name, data] : members) {
        const auto crc = static_cast<std::uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
        const auto offset = out.size();
        put(out, 0x04034b50, 4);
        put(out, 20, 2);
        put(out, 0, 2); // flags
        put(out, 0, 2); // stored
        put(out, 0, 4); // time and date
        put(out, crc, 4);
        put(out, data.size(), 4);
        put(out, data.size(), 4);
        put(out, name.size(), 2);
        put(out, 0, 2);
        putText(out, name);
        out.insert(out.end(), data.begin(), data.end());

        put(central, 0x02014b50, 4);
        put(central, 20, 2);
        put(central, 20, 2);
        put(central, 0, 2);
        put(central, 0, 2);
        put(central, 0, 4);
        put(central, crc, 4);
        put(central, data.size(), 4);
        put(central, data.size(), 4);
        put(central, name.size(), 2);
        put(central, 0, 2);
        put(central, 0, 2);
        put(central, 0, 2);
        put(central, 0, 2);
        put(central, 0, 4);
        put(central, offset, 4);
        putText(central, name);
    }
    const auto centralOffset = out.size();
    out.insert(out.end(), central.begin(), central.end());
    put(out, 0x06054b50, 4);
    put(out, 0, 2);
    put(out, 0, 2);
    put(out, members.size(), 2);
    put(out, members.size(), 2);
    put(out, central.size(), 4);
    put(out, centralOffset, 4);
    put(out, 0, 2);
    return out;
}

} // namespace pteron::testing
