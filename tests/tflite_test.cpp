#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <tflite_model_generated.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <map>

using namespace pteron;
using testing::fixture;

namespace {

Model open(const std::string& relative) {
    return FormatRegistry::standard().open(fixture("tflite/" + relative));
}

const AttributeValue& attribute(const Attributes& attributes, const std::string& name) {
    static const AttributeValue missing;
    const auto* found = findAttribute(attributes, name);
    return found ? found->value : missing;
}

std::string text(const Attributes& attributes, const std::string& name) {
    const auto* found = findAttribute(attributes, name);
    return found ? toString(found->value) : "";
}

const Value& operandValue(const Graph& graph, const Operand& operand) {
    REQUIRE(graph.value(operand.value) != nullptr);
    return *graph.value(operand.value);
}

std::size_t countNpuPartitions(const Graph& graph, const std::string& target) {
    std::size_t count = 0;
    for (const auto& partition : graph.partitions)
        if (partition.delegated && partition.device == DeviceClass::NPU &&
            partition.backend == "ethos-u" && partition.target == target)
            ++count;
    return count;
}

std::size_t commandStreamGraphs(const Model& model) {
    std::size_t count = 0;
    for (const auto& graph : model.graphs)
        if (graph.kind == "command-stream") ++count;
    return count;
}

// A minimal model whose only constant buffer is stored after the flatbuffer (Buffer.offset/size).
std::vector<std::byte> modelWithExternalBuffer(std::uint64_t size, std::uint64_t extraOffset) {
    namespace tfl = pteron::fb::tflite;
    flatbuffers::FlatBufferBuilder builder;
    const auto shape = builder.CreateVector(std::vector<std::int32_t>{4});
    const auto name = builder.CreateString("weights");
    const auto tensor = tfl::CreateTensor(builder, shape, tfl::TensorType::INT8, 1, name);
    const auto tensors = builder.CreateVector(std::vector{tensor});
    const auto subgraph = tfl::CreateSubGraph(builder, tensors);
    const auto subgraphs = builder.CreateVector(std::vector{subgraph});
    // The buffer offset is patched below, once the flatbuffer size is known.
    const auto empty = tfl::CreateBuffer(builder);
    const auto external = tfl::CreateBuffer(builder, 0, 0x1111111111111111ull, size);
    const auto buffers = builder.CreateVector(std::vector{empty, external});
    const auto model = tfl::CreateModel(builder, 3, 0, subgraphs, 0, buffers);
    builder.Finish(model, "TFL3");
    std::vector<std::byte> bytes(builder.GetSize());
    std::memcpy(bytes.data(), builder.GetBufferPointer(), bytes.size());
    while (bytes.size() % 16)
        bytes.push_back(std::byte{0});
    const std::uint64_t offset = bytes.size() + extraOffset;
    for (std::size_t i = 0; i + 8 <= bytes.size(); ++i) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes.data() + i, 8);
        if (word == 0x1111111111111111ull) std::memcpy(bytes.data() + i, &offset, 8);
    }
    for (std::byte b : {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}})
        bytes.push_back(b);
    return bytes;
}

} // namespace

TEST_CASE("tflite: source KWS MicroNet-M model", "[tflite]") {
    const auto model = open("arm_mlek_kws_micronet_m_int8.tflite");
    CHECK(model.format == "tflite");
    CHECK(model.formatVersion == "3");
    CHECK(text(model.metadata, "description") == "MLIR Converted.");
    CHECK(text(model.metadata, "min_runtime_version") == "1.5.0");
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    CHECK(graph.id == "main");
    CHECK(graph.kind == "subgraph");
    CHECK(graph.opHistogram() == std::map<std::string, std::size_t>{{"tflite.AVERAGE_POOL_2D", 1},
                                                                    {"tflite.CONV_2D", 7},
                                                                    {"tflite.DEPTHWISE_CONV_2D", 5},
                                                                    {"tflite.RESHAPE", 1}});
    REQUIRE(graph.partitions.size() == 1);
    CHECK(graph.partitions[0].backend == "cpu");
    CHECK(graph.partitions[0].device == DeviceClass::CPU);

    const auto& conv = graph.nodes[0];
    CHECK(conv.op == "tflite.CONV_2D");
    CHECK(attribute(conv.attributes, "padding") == AttributeValue{EnumValue{"SAME", 0}});
    CHECK(attribute(conv.attributes, "strides") == AttributeValue{std::vector<std::int64_t>{1, 1}});
    CHECK(attribute(conv.attributes, "dilation") ==
          AttributeValue{std::vector<std::int64_t>{1, 1}});
    CHECK(attribute(conv.attributes, "fused_activation") == AttributeValue{EnumValue{"RELU6", 3}});
    CHECK(attribute(graph.nodes[1].attributes, "strides") ==
          AttributeValue{std::vector<std::int64_t>{2, 2}});
    CHECK(attribute(graph.nodes[11].attributes, "filter_size") ==
          AttributeValue{std::vector<std::int64_t>{25, 5}});
    CHECK(attribute(graph.nodes[11].attributes, "padding") ==
          AttributeValue{EnumValue{"VALID", 1}});

    const auto& input = operandValue(graph, conv.inputs[0]);
    CHECK(input.kind == ValueKind::Input);
    CHECK(input.typeText() == "int8[1,49,10,1]");
    CHECK(input.quantization.scheme == "per-tensor");
    CHECK(input.quantization.zeroPoints == std::vector<std::int64_t>{-5});
    const auto& weights = operandValue(graph, conv.inputs[1]);
    CHECK(weights.kind == ValueKind::Constant);
    CHECK(weights.typeText() == "int8[140,10,4,1]");
    CHECK(weights.data.size() == 140 * 10 * 4);
    CHECK(weights.quantization.scheme == "per-channel");
    CHECK(weights.quantization.scales.size() == 140);
    CHECK(weights.quantization.axis == 0);
    const auto& bias = operandValue(graph, conv.inputs[2]);
    CHECK(bias.dtype == DType::Int32);
    CHECK(bias.data.size() == 140 * 4);
}

TEST_CASE("tflite: only Vela output is marked as Vela's", "[tflite][vela]") {
    CHECK_FALSE(findAttribute(open("arm_mlek_kws_micronet_m_int8.tflite").metadata, "producer"));
    CHECK_FALSE(findAttribute(open("himax_person_int8_model.tflite").metadata, "producer"));
    const auto z256 = open("arm_mlek_kws_micronet_m_vela_Z256.tflite");
    CHECK(text(z256.metadata, "producer") == "Vela");
    // Regor writes "Vela Optimised" and no version.
    CHECK_FALSE(findAttribute(z256.metadata, "vela_version"));
    // Z256 plans tensors 0..5 as [-1, -1, 0, 0, 0, 0].
    CHECK(attribute(z256.graphs[0].values[2].attributes, "offline_arena_offset") ==
          AttributeValue{std::int64_t{0}});
}

TEST_CASE("tflite: person detection source model", "[tflite]") {
    const auto model = open("himax_person_int8_model.tflite");
    CHECK(text(model.metadata, "description") == "TOCO Converted.");
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    CHECK(graph.nodes.size() == 31);
    CHECK(graph.opHistogram().at("tflite.CONV_2D") == 14);
    CHECK(graph.opHistogram().at("tflite.DEPTHWISE_CONV_2D") == 14);
    CHECK(graph.nodes.back().op == "tflite.SOFTMAX");
    CHECK(attribute(graph.nodes.back().attributes, "beta") == AttributeValue{1.0});
    CHECK(graph.value(graph.inputs.at(0))->typeText() == "int8[1,96,96,1]");
}

TEST_CASE("tflite: Vela output for Ethos-U55-128", "[tflite][vela]") {
    const auto model = open("arm_mlek_kws_micronet_m_vela_H128.tflite");
    CHECK(text(model.metadata, "description") == "Vela Optimised");
    CHECK(attribute(model.metadata, "OfflineMemoryAllocation") ==
          AttributeValue{std::vector<std::int64_t>{0, 1, 6, 208, 70560, -1, -1, 0, 0}});
    REQUIRE(model.graphs.size() == 2);
    const auto& graph = model.graphs[0];
    CHECK(graph.opHistogram() == std::map<std::string, std::size_t>{{"tflite.custom:ethos-u", 1}});
    REQUIRE(graph.partitions.size() == 1);
    const auto& partition = graph.partitions[0];
    CHECK(partition.backend == "ethos-u");
    CHECK(partition.device == DeviceClass::NPU);
    CHECK(partition.delegated);
    CHECK(partition.target == "ethos-u55-128");
    CHECK(partition.payloadMagic == "COP1");
    CHECK(partition.payloadBytes == 2448);
    REQUIRE(partition.childGraph == 1u);
    CHECK(graph.nodes[0].childGraphs == std::vector<std::size_t>{1});

    // Command stream, read-only weights, scratch and fast scratch precede the feature maps.
    const auto& node = graph.nodes[0];
    REQUIRE(node.inputs.size() == 5);
    CHECK(operandValue(graph, node.inputs[0]).name == "main_split_1_command_stream");
    CHECK(operandValue(graph, node.inputs[1]).kind == ValueKind::Constant);
    CHECK(operandValue(graph, node.inputs[4]).kind == ValueKind::Input);

    // OfflineMemoryAllocation [0, 1, 6, 208, 70560, -1, -1, 0, 0] on the six tensors.
    CHECK(text(model.metadata, "producer") == "Vela");
    REQUIRE(graph.values.size() == 6);
    std::vector<std::int64_t> offsets;
    for (const auto& value : graph.values)
        offsets.push_back(
            std::get<std::int64_t>(attribute(value.attributes, "offline_arena_offset")));
    CHECK(offsets == std::vector<std::int64_t>{208, 70560, -1, -1, 0, 0});
    // The command stream and read-only data stay in flash; the output is at 208 in the arena.
    const auto& commandStream = operandValue(graph, graph.nodes[0].inputs[0]);
    CHECK(attribute(commandStream.attributes, "offline_arena_offset") ==
          AttributeValue{std::int64_t{-1}});
    CHECK(graph.values[0].name == "Identity");

    const auto& child = model.graphs[1];
    CHECK(child.kind == "command-stream");
    CHECK(child.parent == 0u);
    CHECK(child.id == "subgraph0/ethos-u#0");
    CHECK(child.nodes.size() == 60);
}

TEST_CASE("tflite: Vela output for Ethos-U85-256", "[tflite][vela]") {
    const auto model = open("arm_mlek_kws_micronet_m_vela_Z256.tflite");
    CHECK(text(model.metadata, "description") == "Vela Optimised");
    CHECK(attribute(model.metadata, "OfflineMemoryAllocation") ==
          AttributeValue{std::vector<std::int64_t>{0, 1, 6, -1, -1, 0, 0, 0, 0}});
    REQUIRE(model.graphs.size() == 2);
    CHECK(countNpuPartitions(model.graphs[0], "ethos-u85-256") == 1);
    CHECK(operandValue(model.graphs[0], model.graphs[0].nodes[0].inputs[0]).name ==
          "ethos_u_command_stream");
    CHECK(model.graphs[1].nodes.size() == 51);
}

TEST_CASE("tflite: Vela output with CPU fallback operators", "[tflite][vela]") {
    const auto model = open("himax_kwt1_relu_mfcc_vela.tflite");
    CHECK(text(model.metadata, "vela_version") == "3.12.1.dev5+g86ba3fd");
    CHECK(text(model.metadata, "description") == "Vela 3.12.1.dev5+g86ba3fd Optimised");
    CHECK(text(model.metadata, "producer") == "Vela");
    const auto& allocation =
        std::get<std::vector<std::int64_t>>(attribute(model.metadata, "OfflineMemoryAllocation"));
    REQUIRE(allocation.size() == 261);
    CHECK(allocation[0] == 0);
    CHECK(allocation[1] == 1);
    CHECK(allocation[2] == 258);
    const auto& graph = model.graphs.at(0);
    CHECK(graph.opHistogram() == std::map<std::string, std::size_t>{{"tflite.FULLY_CONNECTED", 24},
                                                                    {"tflite.MUL", 24},
                                                                    {"tflite.custom:ethos-u", 49}});
    CHECK(countNpuPartitions(graph, "ethos-u55-64") == 49);
    CHECK(commandStreamGraphs(model) == 49);
    std::size_t cpu = 0;
    for (const auto& node : graph.nodes) {
        const auto& partition = graph.partitions.at(node.partition);
        if (node.op == "tflite.custom:ethos-u") {
            CHECK(partition.device == DeviceClass::NPU);
            CHECK(node.childGraphs.size() == 1);
            continue;
        }
        CHECK(partition.backend == "cpu");
        CHECK(partition.device == DeviceClass::CPU);
        CHECK_FALSE(partition.delegated);
        ++cpu;
    }
    CHECK(cpu == 48);
    const auto& fc = *std::find_if(graph.nodes.begin(), graph.nodes.end(),
                                   [](const Node& n) { return n.op == "tflite.FULLY_CONNECTED"; });
    CHECK(attribute(fc.attributes, "weights_format") == AttributeValue{EnumValue{"DEFAULT", 0}});
}

TEST_CASE("tflite: Vela outputs of older releases", "[tflite][vela]") {
    const auto hello = open("paddle_hello_world_int8_vela.tflite");
    CHECK(text(hello.metadata, "vela_version") == "4.1.1.dev15+g5427dc7");
    CHECK(countNpuPartitions(hello.graphs.at(0), "ethos-u55-256") == 1);
    CHECK(hello.graphs.at(1).opHistogram() ==
          std::map<std::string, std::size_t>{{"ethosu.CONV", 3}, {"ethosu.STOP", 1}});

    const auto person = open("himax_person_int8_model_vela_mac64.tflite");
    CHECK(countNpuPartitions(person.graphs.at(0), "ethos-u55-64") == 1);
    CHECK(person.graphs.at(0).nodes.size() == 1);
    CHECK(person.graphs.at(1).nodes.size() == 354);
}

TEST_CASE("tflite: an undecodable command stream keeps its NPU operator", "[tflite][vela]") {
    const auto original = MappedFile::open(fixture("tflite/paddle_hello_world_int8_vela.tflite"));
    std::vector<std::byte> bytes(original->bytes().begin(), original->bytes().end());
    const std::string content(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto at = content.find("COP1");
    REQUIRE(at != std::string::npos);
    CHECK(content.find("COP1", at + 1) == std::string::npos);
    std::memcpy(bytes.data() + at, "XXXX", 4);

    const auto model =
        FormatRegistry::standard().read(MappedFile::fromBytes("damaged_vela.tflite", bytes));
    CHECK(commandStreamGraphs(model) == 0);
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    REQUIRE(graph.nodes.size() == 1);
    const auto& node = graph.nodes[0];
    CHECK(node.op == "tflite.custom:ethos-u");
    CHECK(node.childGraphs.empty());
    const auto& partition = graph.partitions.at(node.partition);
    CHECK(partition.backend == "ethos-u");
    CHECK(partition.device == DeviceClass::NPU);
    CHECK(partition.delegated);
    CHECK_FALSE(partition.childGraph.has_value());
    CHECK(partition.payloadMagic == "XXXX");
    CHECK(partition.payloadBytes == 496);
    CHECK(partition.note.find("command stream could not be decoded") == 0);
    CHECK(partition.note.find("COP1") != std::string::npos);
    CHECK(text(node.attributes, "note") == partition.note);
}

TEST_CASE("tflite: byte flips inside a command stream never fail the file", "[tflite][vela]") {
    const auto path = fixture("tflite/arm_mlek_kws_micronet_m_vela_H128.tflite");
    const auto model = FormatRegistry::standard().open(path);
    const auto& graph = model.graphs.at(0);
    const auto& stream = operandValue(graph, graph.nodes.at(0).inputs.at(0)).data;
    const auto original = MappedFile::open(path);
    const std::vector<std::byte> bytes(original->bytes().begin(), original->bytes().end());
    std::size_t noted = 0, decoded = 0;
    for (std::uint64_t at = stream.fileOffset(); at < stream.fileOffset() + stream.size();
         at += 61) {
        auto damaged = bytes;
        damaged[at] = static_cast<std::byte>(std::to_integer<unsigned>(damaged[at]) ^ 0xC3);
        INFO("flip at " << at);
        const auto read =
            FormatRegistry::standard().read(MappedFile::fromBytes("flipped.tflite", damaged));
        const auto& node = read.graphs.at(0).nodes.at(0);
        CHECK(read.graphs.at(0).partitions.at(node.partition).device == DeviceClass::NPU);
        if (findAttribute(node.attributes, "note")) {
            CHECK(node.childGraphs.empty());
            ++noted;
        } else {
            CHECK(node.childGraphs.size() == 1);
            ++decoded;
        }
    }
    CHECK(noted > 0);
    CHECK(decoded > 0);
}

TEST_CASE("tflite: buffers stored after the flatbuffer", "[tflite]") {
    const auto bytes = modelWithExternalBuffer(4, 0);
    const auto model = FormatRegistry::standard().read(MappedFile::fromBytes("ext.tflite", bytes));
    const auto& value = model.graphs.at(0).values.at(0);
    REQUIRE(value.data.size() == 4);
    CHECK(value.data.bytes()[3] == std::byte{4});
    CHECK(value.kind == ValueKind::Constant);

    const auto outside = modelWithExternalBuffer(4, 16);
    CHECK_THROWS_AS(FormatRegistry::standard().read(MappedFile::fromBytes("bad.tflite", outside)),
                    FormatError);
    const auto tooLong = modelWithExternalBuffer(1ull << 40, 0);
    CHECK_THROWS_AS(FormatRegistry::standard().read(MappedFile::fromBytes("long.tflite", tooLong)),
                    FormatError);
}

TEST_CASE("tflite: damaged files read or fail cleanly", "[tflite][robustness]") {
    const auto registry = FormatRegistry::standard();
    for (const auto& path : testing::fixturesIn("tflite", ".tflite")) {
        INFO(path);
        const auto report = testing::damageAndRead(registry, path);
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
    }
}

TEST_CASE("operators sharing one operand list cannot make a small file a huge graph", "[tflite]") {
    // 3,000 operator entries all point at one operator with 3,000 inputs: 9 million operand
    // references from a file of about 24 KB.
    namespace tfl = pteron::fb::tflite;
    flatbuffers::FlatBufferBuilder builder;
    const auto shape = builder.CreateVector(std::vector<std::int32_t>{1});
    const auto tensor =
        tfl::CreateTensor(builder, shape, tfl::TensorType::INT8, 0, builder.CreateString("t"));
    const auto tensors = builder.CreateVector(std::vector{tensor});
    const auto inputs = builder.CreateVector(std::vector<std::int32_t>(3000, 0));
    const auto outputs = builder.CreateVector(std::vector<std::int32_t>{0});
    const auto op = tfl::CreateOperator(builder, 0, inputs, outputs);
    const auto operators = builder.CreateVector(std::vector(3000, op));
    const auto subgraph = tfl::CreateSubGraph(builder, tensors, 0, 0, operators);
    const auto subgraphs = builder.CreateVector(std::vector{subgraph});
    const auto code = tfl::CreateOperatorCode(builder, 0, 0, 1, tfl::BuiltinOperator::ADD);
    const auto codes = builder.CreateVector(std::vector{code});
    const auto buffers = builder.CreateVector(std::vector{tfl::CreateBuffer(builder)});
    builder.Finish(tfl::CreateModel(builder, 3, codes, subgraphs, 0, buffers), "TFL3");
    const auto file = MappedFile::fromBytes(
        "shared_operands.tflite",
        std::as_bytes(std::span(builder.GetBufferPointer(), builder.GetSize())));
    CHECK(builder.GetSize() < 30000);
    CHECK_THROWS_WITH(FormatRegistry::standard().read(file),
                      Catch::Contains("entries pointing at shared objects"));
}
