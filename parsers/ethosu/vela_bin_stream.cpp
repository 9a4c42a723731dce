#include "parsers/ethosu/vela_bin_stream.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"

namespace pteron::ethosu {
namespace {

constexpr std::uint64_t kHeaderBytes = 32;
constexpr std::uint64_t kExternalKeyBytes = 64;
constexpr std::uint64_t kIoRecordBytes = 36;

std::uint64_t padded16(std::uint64_t size) {
    return (size + 15) & ~std::uint64_t{15};
}

std::vector<VelaIo> parseIo(const VelaBlock& block, const DelegatePayload& payload) {
    LittleEndianReader in(block.data.bytes(), payload.file, "ethos-u payload",
                          block.data.fileOffset());
    const auto count = in.i32(0, block.name + " count");
    if (count < 0 || static_cast<std::uint64_t>(count) > (in.size() - 4) / kIoRecordBytes)
        in.fail(0, block.name + " count that fits the block");
    std::vector<VelaIo> out;
    for (std::int32_t i = 0; i < count; ++i) {
        const std::uint64_t at = 4 + static_cast<std::uint64_t>(i) * kIoRecordBytes;
        VelaIo io;
        for (std::size_t d = 0; d < 6; ++d)
            io.shape[d] = in.i32(at + 4 * d, "shape");
        io.elementSize = in.i32(at + 24, "element size");
        io.offset = in.i32(at + 28, "offset");
        io.region = in.i32(at + 32, "region");
        out.push_back(io);
    }
    return out;
}

VelaBlock readBlock(const LittleEndianReader& in, std::uint64_t at,
                    const DelegatePayload& payload) {
    VelaBlock block;
    block.offset = at;
    block.name = in.text(at, 16, "block name");
    const std::uint64_t size = in.u32(at + 16, "block size");
    // The 2026 layout adds an external flag byte; older headers hold zero padding there.
    block.external = in.u8(at + 20, "block external flag") == 1;
    const auto data = in.bytes(at + kHeaderBytes, size, "block " + block.name);
    in.bytes(at + kHeaderBytes, padded16(size), "padded block " + block.name);
    block.data = payload.bytes.sub(at + kHeaderBytes, size);
    if (!block.external) return block;
    if (size != kExternalKeyBytes)
        in.fail(at + 16, "a 64-byte key for external block " + block.name);
    block.externalKey.assign(reinterpret_cast<const char*>(data.data()), data.size());
    const auto resolved = payload.namedData ? payload.namedData(block.externalKey) : std::nullopt;
    if (!resolved)
        in.fail(at + kHeaderBytes, "named data \"" + block.externalKey + "\" for " + block.name);
    block.data = *resolved;
    return block;
}

void assign(VelaBinStream& stream, const VelaBlock& block, const DelegatePayload& payload,
            const LittleEndianReader& in) {
    if (block.name == "cmd_data")
        stream.commands = block.data;
    else if (block.name == "weight_data")
        stream.weights = block.data;
    else if (block.name == "scratch_size") {
        LittleEndianReader data(block.data.bytes(), payload.file, "ethos-u payload");
        stream.scratchSize = data.u32(0, "scratch size");
    } else if (block.name == "scratch_data")
        stream.scratchSize = block.data.size();
    else if (block.name == "inputs")
        stream.inputs = parseIo(block, payload);
    else if (block.name == "outputs")
        stream.outputs = parseIo(block, payload);
    else if (block.name != "vela_bin_stream")
        in.fail(block.offset, "a known vela_bin_stream block, found \"" + block.name + "\"");
}

} // namespace

bool hasVelaBinStreamMagic(std::span<const std::byte> bytes) {
    return hasTag(bytes, 0, "vela_bin_stream");
}

VelaBinStream parseVelaBinStream(const DelegatePayload& payload) {
    LittleEndianReader in(payload.bytes.bytes(), payload.file, "ethos-u payload",
                          payload.bytes.fileOffset());
    if (!hasVelaBinStreamMagic(payload.bytes.bytes()))
        in.fail(0, "a vela_bin_stream block first, found \"" +
                       magicText(payload.bytes.bytes(), 16) + "\"");
    VelaBinStream stream;
    for (std::uint64_t at = 0;;) {
        auto block = readBlock(in, at, payload);
        at += kHeaderBytes + padded16(in.u32(at + 16, "block size"));
        if (block.name == "vela_end_stream") {
            stream.blocks.push_back(std::move(block));
            return stream;
        }
        assign(stream, block, payload, in);
        stream.blocks.push_back(std::move(block));
        if (at >= in.size()) in.fail(at, "a vela_end_stream block before the payload ends");
    }
}

} // namespace pteron::ethosu
