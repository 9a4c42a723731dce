// Finds the flatbuffer and constant-data regions of an XNNPACK payload from its optional XH00
// header.
#pragma once

#include "parsers/delegate_payload.hpp"

#include <cstdint>
#include <string>

namespace pteron {

// A byte range inside the payload, already checked against the payload's size.
struct XnnpackRegion {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

struct XnnpackLayout {
    bool hasHeader = false; // false: the whole payload is the flatbuffer
    std::uint16_t headerLength = 0;
    XnnpackRegion flatbuffer;
    XnnpackRegion constants; // empty without a header
};

// Reads the XH00 header when present; throws FormatError when its regions leave the payload.
XnnpackLayout readXnnpackLayout(const DelegatePayload& payload);

// Table path inside a payload for error messages: "forward.delegates[0] XNNGraph.xnodes[3]".
std::string xnnpackWhere(const DelegatePayload& payload, std::uint64_t payloadOffset,
                         const std::string& path);

} // namespace pteron
