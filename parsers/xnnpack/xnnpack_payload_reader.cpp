#include "parsers/xnnpack/xnnpack_payload_reader.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "parsers/common/flatbuffer_check.hpp"
#include "parsers/xnnpack/xnnpack_context.hpp"
#include "parsers/xnnpack/xnnpack_layout.hpp"
#include "parsers/xnnpack/xnnpack_nodes.hpp"
#include "parsers/xnnpack/xnnpack_values.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace pteron {

namespace {

namespace fbx = fb::xnnpack;

constexpr std::string_view kBackend = "XnnpackBackend";

// The flatbuffer, in place when 8-byte aligned, else in an aligned copy that lives for the decode.
class AlignedFlatbuffer {
  public:
    explicit AlignedFlatbuffer(std::span<const std::byte> bytes) : bytes_(bytes) {
        if (reinterpret_cast<std::uintptr_t>(bytes.data()) % 8 == 0) return;
        copy_.resize((bytes.size() + 7) / 8);
        if (!bytes.empty()) std::memcpy(copy_.data(), bytes.data(), bytes.size());
        bytes_ = std::as_bytes(std::span(copy_)).first(bytes.size());
    }
    AlignedFlatbuffer(const AlignedFlatbuffer&) = delete;
    AlignedFlatbuffer& operator=(const AlignedFlatbuffer&) = delete;

    std::span<const std::byte> bytes() const { return bytes_; }

  private:
    std::span<const std::byte> bytes_;
    std::vector<std::uint64_t> copy_;
};

std::string identifierOf(const DelegatePayload& payload, const XnnpackLayout& layout,
                         std::span<const std::byte> flatbuffer) {
    if (hasTag(flatbuffer, 4, "XN01")) return "XN01";
    if (hasTag(flatbuffer, 4, "XN00")) return "XN00";
    throw FormatError(
        payload.file, "xnnpack", xnnpackWhere(payload, layout.flatbuffer.offset + 4, "XNNGraph"),
        "flatbuffer identifier \"XN00\" or \"XN01\", found \"" +
            magicText(flatbuffer.subspan(std::min<std::size_t>(4, flatbuffer.size())), 4) + "\"");
}

// Payload size, magic and compile specs stay on the calling graph's partition, shown once.
Partition delegatedPartition() {
    Partition partition;
    partition.backend = std::string(kBackend);
    partition.device = DeviceClass::CPU;
    partition.delegated = true;
    return partition;
}

std::vector<std::int64_t> externalValues(const XnnpackContext& context, const XnnpackValueIds& ids,
                                         const flatbuffers::Vector<std::uint32_t>* list,
                                         const std::string& field) {
    std::vector<std::int64_t> result;
    if (!list) return result;
    for (flatbuffers::uoffset_t i = 0; i < list->size(); ++i)
        result.push_back(ids.resolve(list->Get(i), context, field + "[" + std::to_string(i) + "]"));
    return result;
}

Attributes graphAttributes(const fbx::XNNGraph& root, const XnnpackLayout& layout,
                           const std::string& identifier) {
    Attributes attributes;
    attributes.push_back({"identifier", identifier});
    if (root.version()) attributes.push_back({"version", root.version()->str()});
    attributes.push_back({"num_externs", static_cast<std::int64_t>(root.num_externs())});
    attributes.push_back({"header", std::string(layout.hasHeader ? "XH00" : "none")});
    attributes.push_back({"flatbuffer bytes", static_cast<std::int64_t>(layout.flatbuffer.size)});
    if (layout.hasHeader)
        attributes.push_back(
            {"constant data bytes", static_cast<std::int64_t>(layout.constants.size)});
    return attributes;
}

} // namespace

std::size_t decodeXnnpackPayload(const DelegatePayload& payload, Model& model) {
    const auto layout = readXnnpackLayout(payload);
    const auto flatbuffer =
        payload.bytes.bytes().subspan(static_cast<std::size_t>(layout.flatbuffer.offset),
                                      static_cast<std::size_t>(layout.flatbuffer.size));
    const auto identifier = identifierOf(payload, layout, flatbuffer);
    const AlignedFlatbuffer aligned(flatbuffer);
    const FlatbufferSource source{payload.file, "xnnpack", payload.tablePath + " XNNGraph",
                                  payload.bytes.fileOffset() + layout.flatbuffer.offset};
    const auto* root = verifiedRoot<fbx::XNNGraph>(aligned.bytes(), nullptr, source);
    const XnnpackContext context(payload, layout, *root, aligned.bytes().data());

    Graph graph;
    graph.id = payload.graphId;
    graph.name = std::string(kBackend);
    graph.kind = "delegate";
    graph.parent = payload.parentGraph;
    graph.attributes = graphAttributes(*root, layout, identifier);
    graph.partitions.push_back(delegatedPartition());

    const auto ids = decodeXnnpackValues(context, graph);
    decodeXnnpackNodes(context, ids, 0, graph);
    graph.inputs = externalValues(context, ids, root->input_ids(), "input_ids");
    graph.outputs = externalValues(context, ids, root->output_ids(), "output_ids");
    return model.addGraph(std::move(graph));
}

} // namespace pteron
