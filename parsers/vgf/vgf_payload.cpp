#include "parsers/vgf/vgf_payload.hpp"
#include "parsers/common/payload_partition.hpp"

#include "core/little_endian_reader.hpp"
#include "parsers/vgf/vgf_attributes.hpp"
#include "parsers/vgf/vgf_document.hpp"
#include "parsers/vgf/vgf_segment_graph.hpp"

namespace pteron {

std::size_t decodeVgfPayload(const DelegatePayload& payload, Model& model) {
    const auto document = vgf::decodeDocument(payload.bytes, payload.file);
    Graph graph;
    graph.id = payload.graphId;
    graph.name = payload.backend;
    graph.kind = "delegate";
    graph.parent = payload.parentGraph;
    graph.attributes = vgf::documentAttributes(document);

    Partition partition = payloadPartition(payload, "VgfBackend", DeviceClass::GPU, 4);
    graph.partitions.push_back(std::move(partition));

    // Every segment lands in the one partition; resources passed between segments are shared
    // values.
    vgf::SegmentGraphBuilder builder(document, payload.file, graph);
    for (std::size_t i = 0; i < document.sequence.segments.size(); ++i)
        builder.appendSegment(i, {0, 0});
    return model.addGraph(std::move(graph));
}

} // namespace pteron
