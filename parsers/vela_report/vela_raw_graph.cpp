#include "parsers/vela_report/vela_raw_graph.hpp"

#include "core/format_error.hpp"
#include "parsers/ethosu/ethosu_graph.hpp"

namespace pteron::vela_report {
namespace {

std::vector<ethosu::IoBuffer> ioBuffers(const std::vector<VelaRawTensor>& tensors,
                                        const std::string& prefix) {
    std::vector<ethosu::IoBuffer> out;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto& tensor = tensors[i];
        if (!tensor.elementSize || !tensor.region || !tensor.offset) continue;
        auto buffer = ethosu::ioBuffer(prefix + "_" + std::to_string(i), tensor.shape,
                                       *tensor.elementSize, *tensor.region, *tensor.offset);
        if (buffer) out.push_back(std::move(*buffer));
    }
    return out;
}

unsigned regionOr(const std::optional<std::int64_t>& region, unsigned fallback) {
    return region && *region >= 0 && *region <= 7 ? static_cast<unsigned>(*region) : fallback;
}

} // namespace

void addRawCommandStreamGraph(Model& model, const VelaRawOutput& raw) {
    std::optional<ethosu::EthosUCommandStream> stream;
    try {
        stream = ethosu::EthosUCommandStream::decode(raw.commandStream.bytes(), raw.file,
                                                     raw.commandStream.fileOffset());
    } catch (const FormatError& error) {
        model.metadata.push_back({"vela.command_stream_error", std::string(error.what())});
        return;
    }
    Graph graph;
    graph.id = "ethos-u";
    graph.name = "ethos-u";
    graph.kind = "command-stream";
    graph.attributes = ethosu::hardwareAttributes(*stream);
    Partition partition;
    partition.backend = "ethos-u";
    partition.device = DeviceClass::NPU;
    partition.delegated = true;
    partition.target = stream->config().target();
    partition.payloadBytes = raw.commandStream.size();
    partition.payloadMagic = stream->config().wrapper;
    partition.payloadLocation = "cmd_data.npy";
    partition.attributes = graph.attributes;
    graph.partitions.push_back(std::move(partition));

    ethosu::RegionMap regions;
    regions[regionOr(raw.scratchRegion, 1)] = {"scratch", {}};
    regions[regionOr(raw.scratchFastRegion, 2)] = {"scratch_fast", {}};
    regions[regionOr(raw.weightRegion, 0)] = {"weight_data", raw.weightData};
    const ethosu::NetworkIo io{ioBuffers(raw.inputs, "input"), ioBuffers(raw.outputs, "output")};
    ethosu::appendOperations(*stream, graph, 0, regions, io);
    graph.attributes.push_back(
        {std::string(ethosu::kRegisterListing), ethosu::registerListing(*stream)});
    model.addGraph(std::move(graph));
}

} // namespace pteron::vela_report
