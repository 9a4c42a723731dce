#include "parsers/ethosu/ethosu_hardware.hpp"

#include "core/little_endian_reader.hpp"

namespace pteron::ethosu {
namespace {

constexpr std::uint32_t kTagNop = 0x05;
constexpr std::uint32_t kTagOptions = 0x01;
constexpr std::uint32_t kTagCommandStream = 0x02;
constexpr std::uint32_t kCop2CommandStreamEntry = 1;

// CONFIG and ID register words share their layout between COP1 and COP2.
void decodeConfigWords(std::uint32_t config, std::uint32_t id, HardwareConfig& out) {
    out.configWord = config;
    out.idWord = id;
    out.macsPerCycle = 1u << (config & 0xF);
    out.commandStreamVersion = (config >> 4) & 0xF;
    const unsigned product = config >> 28;
    out.product = product == 0   ? Product::U55
                  : product == 1 ? Product::U65
                  : product == 2 ? Product::U85
                                 : Product::Unknown;
    if (out.product == Product::U55 || out.product == Product::U65)
        out.shramKilobytes = (config >> 8) & 0xFF;
    out.archMajor = id >> 28;
    out.archMinor = (id >> 20) & 0xFF;
    out.archPatch = (id >> 16) & 0xF;
}

WrappedStream unwrapCop1(const LittleEndianReader& in) {
    WrappedStream stream;
    stream.config.wrapper = "COP1";
    std::uint64_t at = 4;
    const auto options = in.u32(at, "COP1 options tag");
    if ((options & 0xFF) != kTagOptions) in.fail(at, "the COP1 OPTCFG tag (0x01)");
    stream.config.driverRelease = (options >> 16) & 0xF;
    stream.config.driverPatch = (options >> 20) & 0xF;
    decodeConfigWords(in.u32(at + 4, "CONFIG word"), in.u32(at + 8, "ID word"), stream.config);
    at += 12;
    while (in.u32(at, "COP1 tag") == kTagNop)
        at += 4;
    const auto tag = in.u32(at, "COP1 command stream tag");
    if ((tag & 0xFF) != kTagCommandStream) in.fail(at, "the COP1 CMDSTRM tag (0x02)");
    const std::uint64_t words = ((tag >> 8) & 0xFF) << 16 | (tag >> 16);
    at += 4;
    stream.commands = in.bytes(at, words * 4, "COP1 command stream");
    stream.commandsOffset = at;
    return stream;
}

WrappedStream unwrapCop2(const LittleEndianReader& in) {
    WrappedStream stream;
    stream.config.wrapper = "COP2";
    const auto total = in.u64(8, "COP2 payload length");
    in.bytes(16, total, "COP2 payload");
    const auto type = in.u32(16, "COP2 entry type");
    if (type != kCop2CommandStreamEntry) in.fail(16, "a COP2 command-stream entry (type 1)");
    const auto length = in.u32(20, "COP2 entry length");
    const std::uint64_t metaAt = 24;
    const auto metaLength = in.u32(metaAt, "COP2 metadata length");
    if (!hasTag(in.bytes(metaAt + 4, 4, "COP2 metadata magic"), 0, "VEUM"))
        in.fail(metaAt + 4, "COP2 metadata magic \"VEUM\"");
    decodeConfigWords(in.u32(metaAt + 16, "CONFIG word"), in.u32(metaAt + 20, "ID word"),
                      stream.config);
    // Padding of 0xFF bytes up to a 16-byte boundary follows the metadata.
    std::uint64_t at = metaAt + 4 + metaLength;
    at = (at + 15) & ~std::uint64_t{15};
    const std::uint64_t entryEnd = 24 + std::uint64_t{length};
    if (at > entryEnd || !in.has(at, entryEnd - at)) in.fail(20, "a COP2 entry inside the payload");
    stream.commands = in.bytes(at, (entryEnd - at) & ~std::uint64_t{3}, "COP2 command stream");
    stream.commandsOffset = at;
    return stream;
}

} // namespace

std::string_view productName(Product product) {
    switch (product) {
    case Product::U55:
        return "ethos-u55";
    case Product::U65:
        return "ethos-u65";
    case Product::U85:
        return "ethos-u85";
    case Product::Unknown:
        break;
    }
    return "ethos-u";
}

std::string HardwareConfig::target() const {
    return std::string(productName(product)) + "-" + std::to_string(macsPerCycle);
}

std::string HardwareConfig::archVersion() const {
    return std::to_string(archMajor) + "." + std::to_string(archMinor) + "." +
           std::to_string(archPatch);
}

bool hasCommandStreamMagic(std::span<const std::byte> bytes) {
    return hasTag(bytes, 0, "COP1") || hasTag(bytes, 0, "COP2");
}

WrappedStream unwrapCommandStream(std::span<const std::byte> bytes, const std::string& file,
                                  std::uint64_t base) {
    LittleEndianReader in(bytes, file, "ethos-u command stream", base);
    if (hasTag(bytes, 0, "COP1")) return unwrapCop1(in);
    if (hasTag(bytes, 0, "COP2")) return unwrapCop2(in);
    in.fail(0, "command stream magic \"COP1\" or \"COP2\", found \"" + magicText(bytes, 4) + "\"");
}

} // namespace pteron::ethosu
