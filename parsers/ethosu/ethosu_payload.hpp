// Decodes an EthosUBackend delegate payload of an ExecuTorch program into a command-stream graph.
#pragma once

#include "parsers/delegate_payload.hpp"

namespace pteron {

std::size_t decodeEthosUPayload(const DelegatePayload& payload, Model& model);

} // namespace pteron
