#include "parsers/common/payload_partition.hpp"

#include "core/little_endian_reader.hpp"

namespace pteron {

Partition payloadPartition(const DelegatePayload& payload, std::string_view fallbackBackend,
                           DeviceClass device, std::size_t magicLength) {
    Partition partition;
    partition.backend = payload.backend.empty() ? std::string(fallbackBackend) : payload.backend;
    partition.device = device;
    partition.delegated = true;
    partition.compileSpecs = payload.compileSpecs;
    partition.payloadBytes = payload.bytes.size();
    partition.payloadMagic = magicText(payload.bytes.bytes(), magicLength);
    return partition;
}

} // namespace pteron
