// The block container ExecuTorch's EthosUBackend stores Vela output in ("vela_bin_stream").
#pragma once

#include "core/byte_view.hpp"
#include "parsers/delegate_payload.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pteron::ethosu {

struct VelaBlock {
    std::string name;
    std::uint64_t offset = 0; // of the block header inside the payload
    ByteView data;            // resolved data (external blocks: the named data)
    bool external = false;
    std::string externalKey; // sha256 hex naming the named-data entry
};

struct VelaIo {
    std::array<std::int64_t, 6> shape{};
    std::int64_t elementSize = 0;
    std::int64_t offset = 0;
    std::int64_t region = 0;
};

struct VelaBinStream {
    std::vector<VelaBlock> blocks;
    ByteView commands; // cmd_data
    ByteView weights;  // weight_data
    std::optional<std::uint64_t> scratchSize;
    std::vector<VelaIo> inputs;
    std::vector<VelaIo> outputs;
};

bool hasVelaBinStreamMagic(std::span<const std::byte> bytes);

// Parses the blocks of a payload; external blocks are resolved through payload.namedData.
VelaBinStream parseVelaBinStream(const DelegatePayload& payload);

} // namespace pteron::ethosu
