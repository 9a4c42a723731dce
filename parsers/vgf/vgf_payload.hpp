// Decodes a VgfBackend delegate payload (a whole .vgf file) into one child graph of all its
// segments.
#pragma once

#include "parsers/delegate_payload.hpp"

namespace pteron {

std::size_t decodeVgfPayload(const DelegatePayload& payload, Model& model);

} // namespace pteron
