#include "parsers/tosa/tosa_payload.hpp"
#include "parsers/common/payload_partition.hpp"

#include "core/little_endian_reader.hpp"
#include "parsers/tosa/tosa_graph_decoder.hpp"
#include "parsers/tosa/tosa_metadata.hpp"

namespace pteron {

std::size_t decodeTosaPayload(const DelegatePayload& payload, Model& model) {
    tosa::TosaBuffer buffer{
        payload.bytes,
        {payload.file, "tosa", payload.tablePath + " payload", payload.bytes.fileOffset()}};
    tosa::TosaGraphPlacement placement;
    placement.rootId = payload.graphId;
    placement.idPrefix = payload.graphId + "/";
    placement.rootParent = payload.parentGraph;
    placement.adoptUnreferenced = true; // every region of the payload belongs to the delegate
    placement.partition = payloadPartition(payload, "TOSABackend", DeviceClass::Unknown, 8);
    const auto& partition = placement.partition;

    const auto decoded = tosa::decodeTosaBuffer(buffer, placement, model);
    auto& root = model.graphs[decoded.rootGraph];
    root.kind = "delegate";
    root.name = partition.backend;
    auto facts = tosa::versionAttributes(decoded);
    root.attributes.insert(root.attributes.end(), facts.begin(), facts.end());
    return decoded.rootGraph;
}

} // namespace pteron
