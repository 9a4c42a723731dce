#include "parsers/ethosu/ethosu_payload.hpp"
#include "parsers/common/payload_partition.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "parsers/ethosu/ethosu_graph.hpp"
#include "parsers/ethosu/vela_bin_stream.hpp"

namespace pteron {
namespace {

std::vector<std::int64_t> shapeOf(const ethosu::VelaIo& io) {
    return {io.shape.begin(), io.shape.end()};
}

void addIo(Attributes& out, const std::string& name, const std::vector<ethosu::VelaIo>& list) {
    out.push_back({name + " count", static_cast<std::int64_t>(list.size())});
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto prefix = name + "[" + std::to_string(i) + "]";
        out.push_back({prefix + " shape", shapeOf(list[i])});
        out.push_back({prefix + " element size", list[i].elementSize});
        out.push_back({prefix + " region", list[i].region});
        out.push_back({prefix + " offset", list[i].offset});
    }
}

Attributes streamAttributes(const ethosu::VelaBinStream& bin,
                            const ethosu::EthosUCommandStream& stream) {
    auto out = ethosu::hardwareAttributes(stream);
    out.push_back({"weight_bytes", static_cast<std::int64_t>(bin.weights.size())});
    if (bin.scratchSize)
        out.push_back({"scratch_size", static_cast<std::int64_t>(*bin.scratchSize)});
    addIo(out, "input", bin.inputs);
    addIo(out, "output", bin.outputs);
    std::vector<std::string> external;
    for (const auto& block : bin.blocks)
        if (block.external) external.push_back(block.name);
    if (!external.empty()) out.push_back({"external blocks", external});
    return out;
}

// The records hold 6-D shapes padded with leading ones; show them with one batch dimension.
std::vector<std::int64_t> logicalShape(const ethosu::VelaIo& io) {
    auto shape = shapeOf(io);
    std::size_t first = 0;
    while (first + 1 < shape.size() && shape[first] == 1)
        ++first;
    std::vector<std::int64_t> out{1};
    out.insert(out.end(), shape.begin() + static_cast<std::ptrdiff_t>(first), shape.end());
    return out;
}

std::vector<ethosu::IoBuffer> ioBuffers(const std::vector<ethosu::VelaIo>& records,
                                        const std::string& prefix) {
    std::vector<ethosu::IoBuffer> out;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& io = records[i];
        auto buffer = ethosu::ioBuffer(prefix + "_" + std::to_string(i), logicalShape(io),
                                       io.elementSize, io.region, io.offset);
        if (!buffer) continue;
        buffer->attributes.push_back({"vela_io_shape", shapeOf(io)});
        buffer->attributes.push_back({"vela_io_index", static_cast<std::int64_t>(i)});
        out.push_back(std::move(*buffer));
    }
    return out;
}

Partition npuPartition(const DelegatePayload& payload, const ethosu::EthosUCommandStream& stream,
                       const Attributes& attributes) {
    Partition partition = payloadPartition(payload, "EthosUBackend", DeviceClass::NPU, 15);
    partition.target = stream.config().target();
    partition.attributes = attributes;
    return partition;
}

} // namespace

std::size_t decodeEthosUPayload(const DelegatePayload& payload, Model& model) {
    const auto bin = ethosu::parseVelaBinStream(payload);
    if (bin.commands.empty())
        throw FormatError(payload.file, "ethos-u payload",
                          atOffset(payload.bytes.fileOffset(), payload.tablePath),
                          "a cmd_data block");
    const auto stream = ethosu::EthosUCommandStream::decode(bin.commands.bytes(), payload.file,
                                                            bin.commands.fileOffset());
    const auto attributes = streamAttributes(bin, stream);
    Graph graph;
    graph.id = payload.graphId;
    graph.name = payload.backend;
    graph.kind = "command-stream";
    graph.parent = payload.parentGraph;
    graph.attributes = attributes;
    graph.partitions.push_back(npuPartition(payload, stream, attributes));
    ethosu::RegionMap regions;
    regions[0] = {"weight_data", bin.weights};
    regions[1] = {"scratch", {}};
    const ethosu::NetworkIo io{ioBuffers(bin.inputs, "input"), ioBuffers(bin.outputs, "output")};
    ethosu::appendOperations(stream, graph, 0, regions, io);
    graph.attributes.push_back(
        {std::string(ethosu::kRegisterListing), ethosu::registerListing(stream)});
    return model.addGraph(std::move(graph));
}

} // namespace pteron
