#include "parsers/common/zip_archive.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <optional>

namespace pteron {
namespace {

const std::string kFormat = "zip";

constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint64_t kEndSize = 22;
constexpr std::uint64_t kCentralSize = 46;
constexpr std::uint64_t kLocalSize = 30;
constexpr std::uint16_t kZip64ExtraId = 0x0001;
constexpr std::uint32_t kMarker32 = 0xFFFFFFFF;
// Tiny deflate streams can still expand to a few hundred bytes.
constexpr std::uint64_t kInflateSlack = 1024;

struct Directory {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    std::uint64_t count = 0;
};

// Offset of the end-of-central-directory record: the last signature whose comment fits.
std::uint64_t findEnd(const LittleEndianReader& in) {
    if (in.size() < kEndSize) in.fail(0, "a ZIP end-of-central-directory record (22 bytes)");
    const std::uint64_t last = in.size() - kEndSize;
    const std::uint64_t first = last > 0xFFFF ? last - 0xFFFF : 0;
    for (std::uint64_t at = last + 1; at-- > first;) {
        if (in.u32(at, "signature") != kEndSignature) continue;
        if (at + kEndSize + in.u16(at + 20, "comment length") <= in.size()) return at;
    }
    in.fail(last, "a ZIP end-of-central-directory signature PK\\5\\6");
}

Directory zip64Directory(const LittleEndianReader& in, std::uint64_t end) {
    if (end < 20 || in.u32(end - 20, "ZIP64 locator") != kZip64LocatorSignature)
        in.fail(end, "a ZIP64 end-of-central-directory locator before the end record");
    const std::uint64_t record = in.u64(end - 12, "ZIP64 end record offset");
    if (in.u32(record, "ZIP64 end record") != kZip64EndSignature)
        in.fail(record, "a ZIP64 end-of-central-directory signature PK\\6\\6");
    return {in.u64(record + 48, "central directory offset"),
            in.u64(record + 40, "central directory size"), in.u64(record + 32, "entry count")};
}

Directory readDirectory(const LittleEndianReader& in) {
    const std::uint64_t end = findEnd(in);
    if (in.u16(end + 4, "disk number") != 0 || in.u16(end + 6, "directory disk") != 0)
        in.fail(end + 4, "a single-disk archive");
    Directory directory{in.u32(end + 16, "central directory offset"),
                        in.u32(end + 12, "central directory size"),
                        in.u16(end + 10, "entry count")};
    if (directory.count == 0xFFFF || directory.size == kMarker32 || directory.offset == kMarker32)
        directory = zip64Directory(in, end);
    if (!in.has(directory.offset, directory.size) || directory.offset + directory.size > end)
        in.fail(end + 16, "a central directory inside the archive");
    if (directory.count > directory.size / kCentralSize)
        in.fail(end + 10, "an entry count the central directory can hold");
    return directory;
}

// Replaces 0xFFFFFFFF sizes and offset with the values of the ZIP64 extra field.
void applyZip64(const LittleEndianReader& in, std::uint64_t extra, std::uint64_t extraSize,
                ZipEntry& entry, bool uncompressed, bool compressed, bool offset) {
    if (!uncompressed && !compressed && !offset) return;
    for (std::uint64_t at = extra; at + 4 <= extra + extraSize;) {
        const std::uint16_t id = in.u16(at, "extra field id");
        const std::uint16_t size = in.u16(at + 2, "extra field size");
        if (at + 4 + size > extra + extraSize) in.fail(at + 2, "an extra field inside its entry");
        if (id == kZip64ExtraId) {
            std::uint64_t field = at + 4;
            const auto next = [&](std::uint64_t& target) {
                if (field + 8 > at + 4 + size) in.fail(field, "a complete ZIP64 extra field");
                target = in.u64(field, "ZIP64 value");
                field += 8;
            };
            if (uncompressed) next(entry.uncompressedSize);
            if (compressed) next(entry.compressedSize);
            if (offset) next(entry.localHeaderOffset);
            return;
        }
        at += 4 + size;
    }
    in.fail(extra, "a ZIP64 extra field for sizes marked 0xFFFFFFFF");
}

std::uint64_t readEntry(const LittleEndianReader& in, std::uint64_t at, ZipEntry& entry) {
    if (in.u32(at, "central directory entry") != kCentralSignature)
        in.fail(at, "a central directory entry signature PK\\1\\2");
    entry.flags = in.u16(at + 8, "flags");
    entry.method = in.u16(at + 10, "compression method");
    entry.crc32 = in.u32(at + 16, "crc-32");
    const std::uint32_t compressed = in.u32(at + 20, "compressed size");
    const std::uint32_t uncompressed = in.u32(at + 24, "uncompressed size");
    const std::uint16_t nameSize = in.u16(at + 28, "name length");
    const std::uint16_t extraSize = in.u16(at + 30, "extra length");
    const std::uint16_t commentSize = in.u16(at + 32, "comment length");
    const std::uint32_t local = in.u32(at + 42, "local header offset");
    entry.name = in.text(at + kCentralSize, nameSize, "entry name");
    entry.compressedSize = compressed;
    entry.uncompressedSize = uncompressed;
    entry.localHeaderOffset = local;
    in.bytes(at + kCentralSize + nameSize, extraSize, "extra fields");
    applyZip64(in, at + kCentralSize + nameSize, extraSize, entry, uncompressed == kMarker32,
               compressed == kMarker32, local == kMarker32);
    return at + kCentralSize + nameSize + extraSize + commentSize;
}

void checkEntry(const LittleEndianReader& in, std::uint64_t at, const ZipEntry& entry) {
    if (entry.flags & 0x1) in.fail(at + 8, "an unencrypted entry (" + entry.name + ")");
    if (entry.method != 0 && entry.method != 8)
        in.fail(at + 10, "compression method 0 (stored) or 8 (deflate) for " + entry.name +
                             ", found " + std::to_string(entry.method));
    if (entry.method == 0 && entry.compressedSize != entry.uncompressedSize)
        in.fail(at + 20, "equal sizes for the stored entry " + entry.name);
    const std::uint64_t limit =
        entry.compressedSize > (UINT64_MAX - kInflateSlack) / kMaxDeflateRatio
            ? UINT64_MAX
            : entry.compressedSize * kMaxDeflateRatio + kInflateSlack;
    if (entry.method == 8 && entry.uncompressedSize > limit)
        in.fail(at + 24, "an uncompressed size deflate can reach from " +
                             std::to_string(entry.compressedSize) + " bytes for " + entry.name);
}

// Offset of the entry's data, after checking its local header agrees with the directory.
std::uint64_t dataOffset(const LittleEndianReader& in, const ZipEntry& entry) {
    const std::uint64_t at = entry.localHeaderOffset;
    if (in.u32(at, "local header") != kLocalSignature)
        in.fail(at, "a local file header signature PK\\3\\4 for " + entry.name);
    const std::uint16_t nameSize = in.u16(at + 26, "name length");
    const std::uint16_t extraSize = in.u16(at + 28, "extra length");
    if (in.text(at + kLocalSize, nameSize, "entry name") != entry.name)
        in.fail(at + kLocalSize, "the local name to match the directory name " + entry.name);
    const std::uint64_t data = at + kLocalSize + nameSize + extraSize;
    if (!in.has(data, entry.compressedSize))
        in.fail(data, std::to_string(entry.compressedSize) + " bytes of data for " + entry.name);
    return data;
}

class Inflater {
  public:
    Inflater() {
        if (inflateInit2(&stream_, -MAX_WBITS) != Z_OK) throw std::bad_alloc();
    }
    ~Inflater() { inflateEnd(&stream_); }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Inflates the raw deflate stream into `out`, growing it as output actually arrives, and
    // stops past `limit` bytes. True when the stream ends after exactly `expected` bytes.
    bool run(std::span<const std::byte> in, std::uint64_t expected, std::uint64_t limit,
             std::vector<std::byte>& out) {
        constexpr std::size_t kChunk = std::size_t{1} << 20;
        std::size_t consumed = 0;
        while (true) {
            if (out.size() > limit) return false;
            const std::size_t before = out.size();
            out.resize(before + kChunk);
            const std::size_t inChunk = std::min<std::size_t>(in.size() - consumed, UINT_MAX);
            stream_.next_in =
                reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data() + consumed));
            stream_.avail_in = static_cast<uInt>(inChunk);
            stream_.next_out = reinterpret_cast<Bytef*>(out.data() + before);
            stream_.avail_out = static_cast<uInt>(kChunk);
            const int status = inflate(&stream_, Z_NO_FLUSH);
            const std::size_t read = inChunk - stream_.avail_in;
            const std::size_t written = kChunk - stream_.avail_out;
            consumed += read;
            out.resize(before + written);
            if (status == Z_STREAM_END) return out.size() == expected;
            if (status != Z_OK && status != Z_BUF_ERROR) return false;
            if (read == 0 && written == 0) return false; // truncated stream
        }
    }

  private:
    z_stream stream_{};
};

std::uint32_t crcOf(std::span<const std::byte> bytes) {
    uLong crc = crc32(0L, Z_NULL, 0);
    for (std::size_t at = 0; at < bytes.size();) {
        const std::size_t chunk = std::min<std::size_t>(bytes.size() - at, UINT_MAX);
        crc =
            crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(chunk));
        at += chunk;
    }
    return static_cast<std::uint32_t>(crc);
}

} // namespace

ZipArchive::ZipArchive(ByteView bytes, std::string file)
    : bytes_(std::move(bytes)), file_(std::move(file)) {
    const LittleEndianReader in(bytes_.bytes(), file_, kFormat);
    const Directory directory = readDirectory(in);
    std::uint64_t at = directory.offset;
    for (std::uint64_t i = 0; i < directory.count; ++i) {
        ZipEntry entry;
        const std::uint64_t next = readEntry(in, at, entry);
        if (next > directory.offset + directory.size)
            in.fail(at, "central directory entries inside the directory size");
        checkEntry(in, at, entry);
        entries_.push_back(std::move(entry));
        at = next;
    }
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
    for (const auto& entry : entries_)
        if (entry.name == name) return &entry;
    return nullptr;
}

ByteView ZipArchive::contents(const ZipEntry& entry) const {
    const LittleEndianReader in(bytes_.bytes(), file_, kFormat);
    const std::uint64_t data = dataOffset(in, entry);
    const auto compressed = in.bytes(data, entry.compressedSize, "entry data");
    ByteView result;
    if (entry.method == 0) {
        result = bytes_.sub(data, entry.compressedSize);
    } else {
        // Memory follows the bytes the stream really produces, never the declared size alone.
        if (inflatedTotal_ + entry.uncompressedSize > kMaxInflatedBytes)
            in.fail(data, "members of at most " + std::to_string(kMaxInflatedBytes >> 20) +
                              " MiB in all; " + entry.name + " declares " +
                              std::to_string(entry.uncompressedSize) + " bytes after " +
                              std::to_string(inflatedTotal_) + " already inflated");
        std::vector<std::byte> out;
        Inflater inflater;
        if (!inflater.run(compressed, entry.uncompressedSize, entry.uncompressedSize, out))
            in.fail(data, "a deflate stream of exactly " + std::to_string(entry.uncompressedSize) +
                              " bytes for " + entry.name);
        inflatedTotal_ += out.size();
        auto owner = MappedFile::fromBytes(file_ + "!" + entry.name, out);
        result = ByteView(owner, owner->bytes());
    }
    if (crcOf(result.bytes()) != entry.crc32)
        in.fail(data, "data matching the crc-32 of " + entry.name);
    return result;
}

} // namespace pteron
