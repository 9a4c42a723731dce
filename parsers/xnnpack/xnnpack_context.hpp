// What the value and node decoders of one XNNPACK payload share: the verified graph and its bytes.
#pragma once

#include "core/attribute.hpp"
#include "core/byte_view.hpp"
#include "parsers/xnnpack/xnnpack_layout.hpp"
#include "xnnpack_graph_generated.h"

#include <cstdint>
#include <string>

namespace pteron {

// Bytes of one constant, or the reason they are not available (a named blob missing).
struct XnnpackConstant {
    ByteView bytes;
    Attributes notes; // source of the bytes; "unresolved" when a named blob cannot be found
};

class XnnpackContext {
  public:
    // `flatbufferBase` is where the verified flatbuffer sits in memory (an aligned copy or the
    // payload).
    XnnpackContext(const DelegatePayload& payload, const XnnpackLayout& layout,
                   const fb::xnnpack::XNNGraph& graph, const std::byte* flatbufferBase)
        : payload_(payload), layout_(layout), graph_(graph), flatbufferBase_(flatbufferBase) {}

    const DelegatePayload& payload() const { return payload_; }
    const XnnpackLayout& layout() const { return layout_; }
    const fb::xnnpack::XNNGraph& graph() const { return graph_; }

    // Throws FormatError naming `path` inside XNNGraph ("xnodes[3].input1_id").
    [[noreturn]] void fail(const std::string& path, const std::string& expected) const;

    // Resolves constant index `index` (non-zero) the way the runtime does: constant_data entries
    // (a named blob or bytes after the flatbuffer), or the legacy inline constant_buffer of
    // payloads without a header. `path` names the field holding the index.
    XnnpackConstant constant(std::uint32_t index, const std::string& path) const;

  private:
    XnnpackConstant fromConstantData(std::uint32_t index, const std::string& path) const;
    XnnpackConstant fromConstantBuffer(std::uint32_t index, const std::string& path) const;

    const DelegatePayload& payload_;
    const XnnpackLayout& layout_;
    const fb::xnnpack::XNNGraph& graph_;
    const std::byte* flatbufferBase_;
};

} // namespace pteron
