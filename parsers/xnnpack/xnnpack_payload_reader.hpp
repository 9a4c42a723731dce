// Decodes an XnnpackBackend delegate payload (XH00 header, XN00/XN01 flatbuffer) into a child
// graph.
#pragma once

#include "parsers/delegate_payload.hpp"

namespace pteron {

std::size_t decodeXnnpackPayload(const DelegatePayload& payload, Model& model);

} // namespace pteron
