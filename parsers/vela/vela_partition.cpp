#include "parsers/vela/vela_partition.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "parsers/ethosu/ethosu_graph.hpp"

#include <algorithm>
#include <optional>

namespace pteron::vela {

bool isEthosUOperator(const Node& node) {
    constexpr std::string_view kPrefix = "tflite.custom:";
    const std::string_view op = node.op;
    return op.size() == kPrefix.size() + kEthosUCustomCode.size() && op.starts_with(kPrefix) &&
           op.ends_with(kEthosUCustomCode);
}
namespace {

const Value* operand(const Graph& graph, const std::vector<Operand>& operands, std::size_t i) {
    return i < operands.size() ? graph.value(operands[i].value) : nullptr;
}

// Base pointers are the operator's inputs after the command stream, then its outputs.
ethosu::RegionMap regionsOf(const Graph& graph, const Node& node) {
    ethosu::RegionMap regions;
    unsigned region = 0;
    for (std::size_t i = 1; i < node.inputs.size(); ++i, ++region) {
        if (const auto* value = operand(graph, node.inputs, i))
            regions[region] = {value->name, value->data};
    }
    for (std::size_t i = 0; i < node.outputs.size(); ++i, ++region) {
        if (const auto* value = operand(graph, node.outputs, i))
            regions[region] = {value->name, {}};
    }
    return regions;
}

// Where an operand of the operator lives for the command stream: the arena offset Vela planned
// (OfflineMemoryAllocation) inside the scratch region, else the start of its own base pointer.
std::optional<ethosu::IoBuffer> operandBuffer(const Value& value, unsigned ownRegion) {
    const auto element = std::max<std::int64_t>(1, dtypeBits(value.dtype) / 8);
    constexpr std::int64_t kScratchRegion = 1;
    const auto* planned = findAttribute(value.attributes, "offline_arena_offset");
    const auto* offset = planned ? std::get_if<std::int64_t>(&planned->value) : nullptr;
    auto buffer = offset && *offset >= 0
                      ? ethosu::ioBuffer(value.name, value.shape, element, kScratchRegion, *offset)
                      : ethosu::ioBuffer(value.name, value.shape, element, ownRegion, 0);
    if (buffer && value.dtype != DType::Unknown) buffer->dtype = value.dtype;
    return buffer;
}

// The operator's feature-map inputs (after command stream, read-only data, scratch and fast
// scratch) and its outputs, named as in the TFLite graph so the stream's reads and writes join
// the operators around it.
ethosu::NetworkIo networkIo(const Graph& graph, const Node& node) {
    constexpr std::size_t kFirstFeatureMap = 4;
    ethosu::NetworkIo io;
    for (std::size_t i = kFirstFeatureMap; i < node.inputs.size(); ++i)
        if (const auto* value = operand(graph, node.inputs, i))
            if (auto buffer = operandBuffer(*value, static_cast<unsigned>(i - 1)))
                io.inputs.push_back(std::move(*buffer));
    for (std::size_t i = 0; i < node.outputs.size(); ++i)
        if (const auto* value = operand(graph, node.outputs, i))
            if (auto buffer =
                    operandBuffer(*value, static_cast<unsigned>(node.inputs.size() - 1 + i)))
                io.outputs.push_back(std::move(*buffer));
    return io;
}

Partition npuPartition(const ethosu::EthosUCommandStream& stream, const Value& commands) {
    Partition partition;
    partition.backend = "ethos-u";
    partition.device = DeviceClass::NPU;
    partition.delegated = true;
    partition.target = stream.config().target();
    partition.payloadBytes = commands.data.size();
    partition.payloadMagic = stream.config().wrapper;
    partition.payloadLocation = "tensor " + commands.name;
    partition.attributes = ethosu::hardwareAttributes(stream);
    return partition;
}

} // namespace

std::size_t placeEthosUOperator(Model& model, std::size_t graphIndex, std::size_t nodeIndex,
                                std::size_t ordinal) {
    const Graph& parent = model.graphs[graphIndex];
    const Node& node = parent.nodes[nodeIndex];
    const auto where = parent.id + ".operators[" + std::to_string(nodeIndex) + "]";
    const Value* commands = operand(parent, node.inputs, 0);
    if (!commands || commands->data.empty())
        throw FormatError(model.path, "tflite", where,
                          "an ethos-u operator whose first input holds the command stream");
    const auto stream = ethosu::EthosUCommandStream::decode(commands->data.bytes(), model.path,
                                                            commands->data.fileOffset());
    const auto regions = regionsOf(parent, node);

    Graph child;
    child.id = parent.id + "/ethos-u#" + std::to_string(ordinal);
    child.name = "ethos-u#" + std::to_string(ordinal);
    child.kind = "command-stream";
    child.parent = graphIndex;
    child.attributes = ethosu::hardwareAttributes(stream);
    child.partitions.push_back(npuPartition(stream, *commands));
    ethosu::appendOperations(stream, child, 0, regions, networkIo(parent, node));
    child.attributes.push_back(
        {std::string(ethosu::kRegisterListing), ethosu::registerListing(stream)});

    Partition partition = npuPartition(stream, *commands);
    const auto childIndex = model.addGraph(std::move(child));
    partition.childGraph = childIndex;
    Graph& graph = model.graphs[graphIndex];
    graph.partitions.push_back(std::move(partition));
    Node& placed = graph.nodes[nodeIndex];
    placed.partition = graph.partitions.size() - 1;
    placed.childGraphs.push_back(childIndex);
    return childIndex;
}

void placeUndecodedEthosUOperator(Model& model, std::size_t graphIndex, std::size_t nodeIndex,
                                  const std::string& reason) {
    Graph& graph = model.graphs[graphIndex];
    Node& node = graph.nodes[nodeIndex];
    Partition partition;
    partition.backend = "ethos-u";
    partition.device = DeviceClass::NPU;
    partition.delegated = true;
    if (const Value* commands = operand(graph, node.inputs, 0)) {
        partition.payloadBytes = commands->data.size();
        partition.payloadMagic = magicText(commands->data.bytes(), 4);
        partition.payloadLocation = "tensor " + commands->name;
    }
    const std::string note = "command stream could not be decoded: " + reason;
    partition.note = note;
    graph.partitions.push_back(std::move(partition));
    node.partition = graph.partitions.size() - 1;
    node.attributes.push_back({std::string(kNoteAttribute), note});
}

} // namespace pteron::vela
