// Decodes a TOSABackend delegate payload (a TOSA flatbuffer) into a child graph of the program.
#pragma once

#include "parsers/delegate_payload.hpp"

namespace pteron {

std::size_t decodeTosaPayload(const DelegatePayload& payload, Model& model);

} // namespace pteron
