// The partition every payload decoder gives its child graph: the delegate's backend and specs.
#pragma once

#include "parsers/delegate_payload.hpp"

#include <string_view>

namespace pteron {

// Delegated partition for `payload` on `device`; `fallbackBackend` when the id is empty.
Partition payloadPartition(const DelegatePayload& payload, std::string_view fallbackBackend,
                           DeviceClass device, std::size_t magicLength);

} // namespace pteron
