#include "app/cli/ethosu_command.hpp"
#include "core/format_error.hpp"
#include "parsers/ethosu/ethosu_command_stream.hpp"
#include "parsers/ethosu/ethosu_graph.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <sstream>

using namespace pteron;
using testing::fixture;

namespace {

using Histogram = std::map<std::string, std::size_t>;

Model open(const std::string& relative) {
    return FormatRegistry::standard().open(fixture(relative));
}

const AttributeValue& attribute(const Attributes& attributes, const std::string& name) {
    static const AttributeValue missing;
    const auto* found = findAttribute(attributes, name);
    return found ? found->value : missing;
}

const Graph& commandStreamGraph(const Model& model) {
    const auto it = std::find_if(model.graphs.begin(), model.graphs.end(),
                                 [](const Graph& g) { return g.kind == "command-stream"; });
    REQUIRE(it != model.graphs.end());
    return *it;
}

// The command-stream tensor of the first ethos-u operator of a Vela .tflite.
ethosu::EthosUCommandStream decodeVelaStream(const Model& model) {
    const auto& graph = model.graphs.at(0);
    const auto& node = graph.nodes.at(0);
    const auto& data = graph.value(node.inputs.at(0).value)->data;
    return ethosu::EthosUCommandStream::decode(data.bytes(), model.path, data.fileOffset());
}

std::vector<std::byte> words(std::initializer_list<std::uint32_t> list) {
    std::vector<std::byte> bytes(list.size() * 4);
    std::size_t at = 0;
    for (const auto word : list) {
        std::memcpy(bytes.data() + at, &word, 4);
        at += 4;
    }
    return bytes;
}

std::vector<std::string> inputNames(const Graph& graph, const Node& node) {
    std::vector<std::string> names;
    for (const auto& operand : node.inputs)
        names.push_back(graph.value(operand.value)->name);
    return names;
}

} // namespace

TEST_CASE("ethosu: U55-128 command stream of KWS MicroNet-M", "[ethosu]") {
    const auto model = open("tflite/arm_mlek_kws_micronet_m_vela_H128.tflite");
    const auto stream = decodeVelaStream(model);
    const auto& config = stream.config();
    CHECK(config.wrapper == "COP1");
    CHECK(config.product == ethosu::Product::U55);
    CHECK(config.macsPerCycle == 128);
    CHECK(config.shramKilobytes == 24);
    CHECK(config.commandStreamVersion == 0);
    CHECK(config.archVersion() == "1.0.6");
    CHECK(config.target() == "ethos-u55-128");
    CHECK(stream.commands().size() == 427);
    CHECK(stream.operationCounts() == Histogram{{"CONV", 12},
                                                {"DEPTHWISE", 5},
                                                {"DMA", 16},
                                                {"DMA_WAIT", 16},
                                                {"KERNEL_WAIT", 9},
                                                {"POOL", 1},
                                                {"STOP", 1}});
    CHECK(stream.commands().back().name == "NPU_OP_STOP");

    const auto& conv = stream.operations().at(2);
    REQUIRE(conv.kind == "CONV");
    CHECK(conv.kernel.width == 4);
    CHECK(conv.kernel.height == 10);
    CHECK(conv.kernel.padTop == 4);
    CHECK(conv.kernel.padBottom == 5);
    CHECK(conv.ifm.dtype == DType::Int8);
    CHECK(conv.ifm.zeroPoint == -5);
    CHECK(conv.ifm.layout == "NHWC");
    CHECK(conv.ofm.layout == "NHCWB16");
    CHECK(conv.ofm.depth == 16);
    CHECK(conv.weights->region == 1);
    CHECK(conv.weights->end - conv.weights->begin == 944);

    const auto& graph = commandStreamGraph(model);
    CHECK(graph.opHistogram() == Histogram{{"ethosu.CONV", 12},
                                           {"ethosu.DEPTHWISE", 5},
                                           {"ethosu.DMA", 16},
                                           {"ethosu.DMA_WAIT", 16},
                                           {"ethosu.KERNEL_WAIT", 9},
                                           {"ethosu.POOL", 1},
                                           {"ethosu.STOP", 1}});
    CHECK(attribute(graph.attributes, "product") == AttributeValue{std::string("ethos-u55")});
    CHECK(attribute(graph.nodes[2].attributes, "kernel_size") ==
          AttributeValue{std::vector<std::int64_t>{10, 4}});
    CHECK(attribute(graph.nodes[2].attributes, "padding") ==
          AttributeValue{std::vector<std::int64_t>{4, 1, 5, 2}});
    // The convolution reads the ethos-u operator's input (where Vela's offline plan puts it in
    // the scratch area, 0x113a0); its weights arrive by DMA from the read-only tensor first.
    CHECK(inputNames(graph, graph.nodes[2]) ==
          std::vector<std::string>{"input", "op0.dst", "op0.dst"});
    CHECK(graph.value(graph.inputs.at(0))->name == "input");
    CHECK(graph.value(graph.nodes[0].inputs[0].value)->kind == ValueKind::Constant);
    // The depthwise layer reads the channel slices written by two convolutions.
    const auto depthwise = inputNames(graph, graph.nodes[8]);
    CHECK(std::count(depthwise.begin(), depthwise.end(), "op5.ofm") == 1);
    CHECK(std::count(depthwise.begin(), depthwise.end(), "op2.ofm") == 1);
    const auto* listing = std::get_if<std::vector<std::string>>(
        &attribute(graph.attributes, std::string(ethosu::kRegisterListing)));
    REQUIRE(listing);
    CHECK(listing->size() == 427);
}

TEST_CASE("ethosu: U85-256 command stream of KWS MicroNet-M", "[ethosu]") {
    const auto model = open("tflite/arm_mlek_kws_micronet_m_vela_Z256.tflite");
    const auto stream = decodeVelaStream(model);
    CHECK(stream.config().product == ethosu::Product::U85);
    CHECK(stream.config().macsPerCycle == 256);
    CHECK(stream.config().commandStreamVersion == 1);
    CHECK(stream.config().archVersion() == "2.0.0");
    CHECK(stream.operationCounts() == Histogram{{"CONV", 11},
                                                {"DEPTHWISE", 5},
                                                {"DMA", 15},
                                                {"DMA_WAIT", 15},
                                                {"KERNEL_WAIT", 3},
                                                {"POOL", 1},
                                                {"STOP", 1}});
    CHECK(stream.commands().size() == 420);
    CHECK(commandStreamGraph(model).partitions.at(0).target == "ethos-u85-256");
}

TEST_CASE("ethosu: small streams", "[ethosu]") {
    const auto hello = decodeVelaStream(open("tflite/paddle_hello_world_int8_vela.tflite"));
    CHECK(hello.config().target() == "ethos-u55-256");
    CHECK(hello.config().shramKilobytes == 48);
    CHECK(hello.commands().size() == 81);
    CHECK(hello.operationCounts() == Histogram{{"CONV", 3}, {"STOP", 1}});

    const auto person = open("tflite/himax_person_int8_model_vela_mac64.tflite");
    CHECK(commandStreamGraph(person).partitions.at(0).target == "ethos-u55-64");
    CHECK(decodeVelaStream(person).workCount() > 0);
}

TEST_CASE("ethosu: COP2 wrapper and malformed streams", "[ethosu]") {
    // COP2 header, one command-stream entry with VEUM metadata for a U85-256, then 2 commands.
    const auto cop2 = words({0x32504F43, 0x00000001, 56, 0,   // "COP2", 1.0, u64 length
                             1, 48,                           // entry type, entry length
                             36, 0x4D554556, 0x00000001, 20,  // metadata length, "VEUM", 1.0
                             0x20000018, 0x20000000, 1, 0, 0, // config, id, features, staging
                             0xFFFFFFFF,                      // padding to 16 bytes
                             0x0001010F,                      // NPU_SET_IFM_REGION 1
                             0xFFFF0000});                    // NPU_OP_STOP
    const auto stream = ethosu::EthosUCommandStream::decode(cop2, "cop2", 0);
    CHECK(stream.config().wrapper == "COP2");
    CHECK(stream.config().target() == "ethos-u85-256");
    CHECK(stream.config().archVersion() == "2.0.0");
    REQUIRE(stream.commands().size() == 2);
    CHECK(stream.commands()[0].name == "NPU_SET_IFM_REGION");
    CHECK(stream.operationCounts() == Histogram{{"STOP", 1}});

    const auto truncatedPayload =
        words({0x31504F43, 0x00100001, 0x00003008, 0x10060000, 0x00100002});
    CHECK_THROWS_AS(ethosu::EthosUCommandStream::decode(truncatedPayload, "cop1", 0), FormatError);
    // A long command whose payload word is missing.
    const auto cutLong =
        words({0x31504F43, 0x00100001, 0x00003008, 0x10060000, 0x00010002, 0x00004000});
    CHECK_THROWS_AS(ethosu::EthosUCommandStream::decode(cutLong, "cop1", 0), FormatError);
    CHECK_THROWS_AS(ethosu::EthosUCommandStream::decode(words({0x12345678, 0}), "x", 0),
                    FormatError);
}

TEST_CASE("ethosu: EthosUBackend payloads in .pte programs", "[ethosu][pte]") {
    const auto mv2 = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto& graph = commandStreamGraph(mv2);
    CHECK(graph.id == "forward/EthosUBackend#0");
    REQUIRE(graph.parent.has_value());
    CHECK(mv2.graphs.at(*graph.parent).kind == "method");
    const auto& partition = graph.partitions.at(0);
    CHECK(partition.backend == "EthosUBackend");
    CHECK(partition.device == DeviceClass::NPU);
    CHECK(partition.delegated);
    CHECK(partition.target == "ethos-u55-128");
    CHECK(graph.opHistogram() == Histogram{{"ethosu.CONV", 158},
                                           {"ethosu.DEPTHWISE", 32},
                                           {"ethosu.DMA", 190},
                                           {"ethosu.DMA_WAIT", 190},
                                           {"ethosu.ELEMENTWISE", 60},
                                           {"ethosu.KERNEL_WAIT", 127},
                                           {"ethosu.POOL", 226},
                                           {"ethosu.STOP", 1}});
    CHECK(attribute(graph.attributes, "scratch_size") == AttributeValue{std::int64_t{1509584}});
    CHECK(attribute(graph.attributes, "input[0] shape") ==
          AttributeValue{std::vector<std::int64_t>{1, 1, 1, 3, 224, 224}});

    const auto minimal = open("pte/cmsisexec_ethos_u_minimal_example.pte");
    const auto& add = commandStreamGraph(minimal);
    CHECK(add.partitions.at(0).target == "ethos-u55-128");
    CHECK(add.opHistogram() == Histogram{{"ethosu.DMA", 6},
                                         {"ethosu.DMA_WAIT", 5},
                                         {"ethosu.ELEMENTWISE", 6},
                                         {"ethosu.KERNEL_WAIT", 2},
                                         {"ethosu.STOP", 1}});
    CHECK(attribute(add.attributes, "input count") == AttributeValue{std::int64_t{2}});

    const auto himax = open("pte/himax_add_quant_ethosu55_64.pte");
    const auto& himaxGraph = commandStreamGraph(himax);
    CHECK(himaxGraph.partitions.at(0).target == "ethos-u55-64");
    REQUIRE(himaxGraph.nodes.size() == 2);
    CHECK(attribute(himaxGraph.nodes[0].attributes, "mode") == AttributeValue{EnumValue{"ADD", 1}});
    CHECK(attribute(himaxGraph.nodes[0].attributes, "ofm_precision") ==
          AttributeValue{std::string("int32")});
    CHECK(attribute(himaxGraph.attributes, "input[0] shape") ==
          AttributeValue{std::vector<std::int64_t>{1, 1, 1, 1, 1, 5}});
}

TEST_CASE("ethosu: payload inputs and outputs become the child graph's", "[ethosu][pte]") {
    const auto mv2 = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto& graph = commandStreamGraph(mv2);
    // The records as the payload stores them.
    CHECK(attribute(graph.attributes, "input count") == AttributeValue{std::int64_t{1}});
    CHECK(attribute(graph.attributes, "output count") == AttributeValue{std::int64_t{1}});
    CHECK(attribute(graph.attributes, "output[0] shape") ==
          AttributeValue{std::vector<std::int64_t>{1, 1, 1, 1, 1, 1000}});
    CHECK(attribute(graph.attributes, "output[0] region") == AttributeValue{std::int64_t{1}});
    CHECK(attribute(graph.attributes, "output[0] offset") == AttributeValue{std::int64_t{0}});
    const auto inputRegion = std::get<std::int64_t>(attribute(graph.attributes, "input[0] region"));
    const auto inputOffset = std::get<std::int64_t>(attribute(graph.attributes, "input[0] offset"));

    REQUIRE(graph.inputs.size() == 1);
    const auto& input = graph.values.at(static_cast<std::size_t>(graph.inputs[0]));
    CHECK(input.name == "input_0");
    CHECK(input.kind == ValueKind::Input);
    CHECK(input.typeText() == "int8[1,3,224,224]");
    REQUIRE(input.allocation.has_value());
    CHECK(input.allocation->memoryId == inputRegion);
    CHECK(input.allocation->offset == static_cast<std::uint64_t>(inputOffset));

    REQUIRE(graph.outputs.size() == 1);
    const auto& output = graph.values.at(static_cast<std::size_t>(graph.outputs[0]));
    CHECK(output.name == "output_0");
    CHECK(output.kind == ValueKind::Output);
    CHECK(output.typeText() == "int8[1,1000]");
    REQUIRE(output.allocation.has_value());
    CHECK(output.allocation->memoryId == 1);
    CHECK(output.allocation->offset == 0u);

    // The operations reading the input and writing the output are linked to them: the final
    // fully connected layer runs as CONV stripes of output channels that together fill it.
    std::size_t readers = 0;
    std::vector<const Node*> writers;
    for (const auto& node : graph.nodes) {
        for (const auto& operand : node.inputs)
            if (operand.value == graph.inputs[0]) ++readers;
        for (const auto& operand : node.outputs)
            if (operand.value == graph.outputs[0]) writers.push_back(&node);
    }
    CHECK(readers > 0);
    REQUIRE(writers.size() == 9);
    std::int64_t channels = 0;
    for (const auto* writer : writers) {
        CHECK(writer->op == "ethosu.CONV");
        const auto& shape =
            std::get<std::vector<std::int64_t>>(attribute(writer->attributes, "ofm_shape"));
        channels += shape.at(3);
    }
    CHECK(channels == 1000);
    CHECK(writers.back() == &graph.nodes.at(graph.nodes.size() - 2));
    CHECK(attribute(output.attributes, "written_by") == AttributeValue{std::int64_t{9}});
    // No operation's result is left dangling: every other written value is read.
    for (std::size_t v = 0; v < graph.values.size(); ++v) {
        const auto& value = graph.values[v];
        if (value.kind != ValueKind::Intermediate) continue;
        bool read = false;
        for (const auto& node : graph.nodes)
            for (const auto& operand : node.inputs)
                read = read || operand.value == static_cast<std::int64_t>(v);
        INFO(value.name);
        CHECK(read);
    }

    // The same holds for the two-input add of the minimal example.
    const auto minimal = open("pte/cmsisexec_ethos_u_minimal_example.pte");
    const auto& add = commandStreamGraph(minimal);
    CHECK(add.inputs.size() == 2);
    CHECK(add.outputs.size() == 1);
    for (const auto index : add.inputs)
        CHECK(add.values.at(static_cast<std::size_t>(index)).name.rfind("input_", 0) == 0);
}

// MACs of a node recomputed from its decoded shapes by the documented rule.
std::int64_t expectedMacs(const Node& node) {
    const auto shape = [&](const char* name) {
        return std::get<std::vector<std::int64_t>>(attribute(node.attributes, name));
    };
    const auto ofm = shape("ofm_shape");
    std::int64_t macs = ofm[1] * ofm[2] * ofm[3];
    if (node.op == "ethosu.ELEMENTWISE") return macs;
    const auto kernel = shape("kernel_size");
    macs *= kernel[0] * kernel[1];
    if (node.op == "ethosu.CONV") macs *= shape("ifm_shape")[3];
    return macs;
}

TEST_CASE("ethosu: MACs of each NPU operation", "[ethosu]") {
    const auto kws = open("tflite/arm_mlek_kws_micronet_m_vela_H128.tflite");
    const auto& graph = commandStreamGraph(kws);
    std::size_t counted = 0;
    for (const auto& node : graph.nodes) {
        const auto* macs = findAttribute(node.attributes, ethosu::kMacsAttribute);
        const bool compute = node.op == "ethosu.CONV" || node.op == "ethosu.DEPTHWISE" ||
                             node.op == "ethosu.POOL" || node.op == "ethosu.ELEMENTWISE";
        REQUIRE((macs != nullptr) == compute);
        if (!compute) continue;
        INFO(node.name << " " << node.op);
        CHECK(std::get<std::int64_t>(macs->value) == expectedMacs(node));
        ++counted;
    }
    CHECK(counted == 18);
    // The first convolution (the first 16 of 140 filters; op5 computes the other 124): 10x4
    // kernel, stride 1, SAME padding over the one-channel 49x10 MFCC map: 49 * 10 * 16 * 10 * 4.
    const auto& conv = graph.nodes.at(2);
    CHECK(attribute(conv.attributes, "ifm_shape") ==
          AttributeValue{std::vector<std::int64_t>{1, 49, 10, 1}});
    CHECK(attribute(conv.attributes, "ofm_shape") ==
          AttributeValue{std::vector<std::int64_t>{1, 49, 10, 16}});
    CHECK(attribute(conv.attributes, "macs") == AttributeValue{std::int64_t{313600}});
    // The stride-2 3x3 depthwise over both slices: 25 * 5 * 140 * 3 * 3.
    CHECK(attribute(graph.nodes.at(8).attributes, "macs") == AttributeValue{std::int64_t{157500}});

    // The hello-world sine model: Vela's summary beside it reports nn_macs = 288 for its three
    // fully connected layers (1->16, 16->16, 16->1), the sum of the operations' MACs.
    const auto hello = open("tflite/paddle_hello_world_int8_vela.tflite");
    std::int64_t total = 0;
    for (const auto& node : commandStreamGraph(hello).nodes)
        if (const auto* macs = findAttribute(node.attributes, "macs"))
            total += std::get<std::int64_t>(macs->value);
    CHECK(total == 288);

    // Elementwise adds count one operation per output element.
    const auto minimal = open("pte/cmsisexec_ethos_u_minimal_example.pte");
    for (const auto& node : commandStreamGraph(minimal).nodes)
        if (node.op == "ethosu.ELEMENTWISE")
            CHECK(attribute(node.attributes, "macs") == AttributeValue{expectedMacs(node)});
}

// A COP1 stream for an Ethos-U85-256 holding `commands` (already encoded words).
std::vector<std::byte> u85Stream(const std::vector<std::uint32_t>& commands) {
    const auto length = static_cast<std::uint32_t>(commands.size());
    std::vector<std::uint32_t> all{
        0x31504F43, 0x00100001,
        0x20000018, 0x20000000,
        5,          5,
        5,          0x02 | ((length >> 16) & 0xFF) << 8 | (length & 0xFFFF) << 16};
    all.insert(all.end(), commands.begin(), commands.end());
    std::vector<std::byte> bytes(all.size() * 4);
    std::memcpy(bytes.data(), all.data(), bytes.size());
    return bytes;
}

std::uint32_t cmd0(std::uint32_t opcode, std::uint32_t param) {
    return opcode | (param & 0xFFFF) << 16;
}

void cmd1(std::vector<std::uint32_t>& out, std::uint32_t opcode, std::uint32_t payload) {
    out.push_back(opcode | 1u << 14);
    out.push_back(payload);
}

TEST_CASE("ethosu: U85 RESIZE, ELEMENTWISE modes and extra weight streams", "[ethosu]") {
    std::vector<std::uint32_t> words{
        cmd0(0x10F, 1),      cmd0(0x104, 15), cmd0(0x10A, 7),  cmd0(0x10B, 7), // IFM 8x8x16
        cmd0(0x111, 15),     cmd0(0x112, 15), cmd0(0x113, 15), cmd0(0x11F, 1), // OFM 16x16x16
        cmd0(0x12A, 1),      cmd0(0x12B, 3),                                   // scale n - 1
        cmd0(0x12C, 0xFFFF), cmd0(0x12D, 2),                                   // offsets -1, 2
    };
    cmd1(words, 0x010, 0x1000); // OFM_BASE0
    cmd1(words, 0x096, 0x00010002);
    cmd1(words, 0x097, 0x00030004);
    words.push_back(cmd0(0x007, 2)); // NPU_OP_RESIZE NEAREST
    for (const std::uint32_t mode : {11u, 16u, 42u, 36u})
        words.push_back(cmd0(0x006, mode)); // NPU_OP_ELEMENTWISE
    words.push_back(cmd0(0x128, 0));        // WEIGHT_REGION 0
    const std::uint32_t streams[][3] = {
        {0x020, 0x021, 0x100}, {0x090, 0x091, 0x140}, {0x092, 0x093, 0x180}, {0x094, 0x095, 0x1C0}};
    for (const auto& [base, length, address] : streams) {
        cmd1(words, base, address);
        cmd1(words, length, 64);
    }
    words.push_back(cmd0(0x002, 1)); // NPU_OP_CONV with weights_ifm2
    words.push_back(cmd0(0x000, 0xFFFF));

    const auto bytes = u85Stream(words);
    const auto stream = ethosu::EthosUCommandStream::decode(bytes, "u85", 0);
    CHECK(stream.config().target() == "ethos-u85-256");
    const auto& ops = stream.operations();
    REQUIRE(ops.size() == 7);
    CHECK(ops[0].kind == "RESIZE");
    CHECK(ops[0].mode == EnumValue{"NEAREST", 2});
    std::vector<std::string> modes;
    for (std::size_t i = 1; i <= 4; ++i) {
        REQUIRE(ops[i].kind == "ELEMENTWISE");
        modes.push_back(ops[i].mode->name);
    }
    CHECK(modes == std::vector<std::string>{"DIV", "CMP_EQ", "AND_NOT", "NOT"});
    CHECK(ops[1].ifm2.present);
    CHECK_FALSE(ops[4].ifm2.present); // NOT is unary

    Graph graph;
    graph.partitions.emplace_back();
    std::vector<std::byte> weightBytes(0x200);
    auto owner = MappedFile::fromBytes("weights", weightBytes);
    ethosu::RegionMap regions;
    regions[0] = {"weights", ByteView(owner, owner->bytes())};
    ethosu::appendOperations(stream, graph, 0, regions);
    const auto& resize = graph.nodes.at(0);
    CHECK(attribute(resize.attributes, "resize_scale_n") ==
          AttributeValue{std::vector<std::int64_t>{4, 2}});
    CHECK(attribute(resize.attributes, "resize_offset") ==
          AttributeValue{std::vector<std::int64_t>{2, -1}});
    CHECK(attribute(resize.attributes, "resize_registers") ==
          AttributeValue{std::vector<std::int64_t>{0x00030004, 0x00010002}});
    // Denominators from the step registers' one-step parts: int * n + mod.
    CHECK(attribute(resize.attributes, "resize_scale") ==
          AttributeValue{std::vector<std::int64_t>{4, 4, 2, 2}});
    CHECK(attribute(resize.attributes, "ofm_shape") ==
          AttributeValue{std::vector<std::int64_t>{1, 16, 16, 16}});

    const auto& conv = graph.nodes.at(5);
    REQUIRE(conv.op == "ethosu.CONV");
    CHECK(attribute(conv.attributes, "weights_ifm2") == AttributeValue{true});
    CHECK(attribute(conv.attributes, "weights1_base") == AttributeValue{std::int64_t{0x140}});
    CHECK(attribute(conv.attributes, "weights2_length") == AttributeValue{std::int64_t{64}});
    CHECK(attribute(conv.attributes, "weights3_base") == AttributeValue{std::int64_t{0x1C0}});
    std::vector<std::string> ports;
    for (const auto& operand : conv.inputs) {
        ports.push_back(operand.name);
        if (operand.name.rfind("weights", 0) == 0)
            CHECK(graph.values.at(static_cast<std::size_t>(operand.value)).data.size() == 64);
    }
    CHECK(ports ==
          std::vector<std::string>{"ifm", "ifm2", "weights", "weights1", "weights2", "weights3"});
}

TEST_CASE("ethosu: network buffers named by records", "[ethosu]") {
    // hello world: op0 reads scratch 0x0 (1 byte), op2 writes scratch 0x10 (1 byte).
    const auto stream = decodeVelaStream(open("tflite/paddle_hello_world_int8_vela.tflite"));
    const auto build = [&](std::vector<std::int64_t> outputShape) {
        Graph graph;
        graph.partitions.emplace_back();
        ethosu::NetworkIo io;
        io.inputs.push_back(*ethosu::ioBuffer("input_0", {1, 1}, 1, 1, 0));
        io.outputs.push_back(*ethosu::ioBuffer("output_0", std::move(outputShape), 1, 1, 16));
        ethosu::appendOperations(stream, graph, 0, {}, io);
        return graph;
    };
    const auto graph = build({1, 1});
    REQUIRE(graph.inputs.size() == 1);
    CHECK(graph.nodes.at(0).inputs.at(0).value == graph.inputs[0]);
    REQUIRE(graph.outputs.size() == 1);
    CHECK(graph.values.at(static_cast<std::size_t>(graph.outputs[0])).name == "output_0");
    CHECK(graph.nodes.at(2).outputs.at(0).value == graph.outputs[0]);

    // A record larger than the last write also takes in the older write it still shows (op0
    // wrote 16 bytes at 0x10): those are the outputs, under their own names.
    const auto wider = build({1, 2});
    std::vector<std::string> names;
    for (const auto index : wider.outputs) {
        const auto& value = wider.values.at(static_cast<std::size_t>(index));
        names.push_back(value.name);
        CHECK(value.kind == ValueKind::Output);
    }
    CHECK(names == std::vector<std::string>{"op0.ofm", "op2.ofm"});
    // Records that cannot describe memory are refused.
    CHECK_FALSE(ethosu::ioBuffer("bad", {1, -1}, 1, 1, 0));
    CHECK_FALSE(ethosu::ioBuffer("bad", {1}, 1, 8, 0));
    CHECK_FALSE(ethosu::ioBuffer("bad", {1 << 30, 1 << 30}, 4, 1, 0));
}

TEST_CASE("ethosu: pteron ethosu command", "[ethosu][cli]") {
    std::ostringstream out, err;
    const std::vector<std::string> plain{fixture("tflite/paddle_hello_world_int8_vela.tflite")};
    CHECK(runEthosuCommand(plain, out, err) == 0);
    CHECK(out.str().find("target ethos-u55-256") != std::string::npos);
    CHECK(out.str().find("3 x ethosu.CONV") != std::string::npos);
    CHECK(out.str().find("NPU_OP_STOP") == std::string::npos);

    std::ostringstream withRegisters;
    const std::vector<std::string> registers{plain[0], "--registers"};
    CHECK(runEthosuCommand(registers, withRegisters, err) == 0);
    CHECK(withRegisters.str().find("register commands (81)") != std::string::npos);
    CHECK(withRegisters.str().find("NPU_OP_STOP 65535") != std::string::npos);

    std::ostringstream pte;
    const std::vector<std::string> program{fixture("pte/himax_add_quant_ethosu55_64.pte")};
    CHECK(runEthosuCommand(program, pte, err) == 0);
    CHECK(pte.str().find("ethos-u55-64") != std::string::npos);

    std::ostringstream none, noneErr;
    const std::vector<std::string> cpuOnly{fixture("tflite/himax_person_int8_model.tflite")};
    CHECK(runEthosuCommand(cpuOnly, none, noneErr) == 2);
    CHECK(noneErr.str().find("no Ethos-U command stream") != std::string::npos);
}

TEST_CASE("ethosu: damaged command streams decode or fail cleanly", "[ethosu][robustness]") {
    const auto model = open("tflite/arm_mlek_kws_micronet_m_vela_Z256.tflite");
    const auto& data =
        model.graphs.at(0).value(model.graphs.at(0).nodes.at(0).inputs.at(0).value)->data;
    const std::vector<std::byte> original(data.bytes().begin(), data.bytes().end());
    std::size_t failures = 0;
    for (std::size_t i = 0; i < original.size(); i += 7) {
        auto damaged = original;
        damaged[i] = static_cast<std::byte>(std::to_integer<unsigned>(damaged[i]) ^ 0xA5);
        const std::span<const std::byte> truncated(original.data(), i);
        for (const auto bytes : {std::span<const std::byte>(damaged), truncated}) {
            try {
                const auto stream = ethosu::EthosUCommandStream::decode(bytes, "damaged", 0);
                Graph graph;
                graph.partitions.emplace_back();
                ethosu::appendOperations(stream, graph, 0, {});
            } catch (const FormatError&) {
                ++failures;
            }
        }
    }
    CHECK(failures > 0);
}

TEST_CASE("ethosu: damaged Ethos-U programs read or fail cleanly", "[ethosu][robustness]") {
    const auto registry = FormatRegistry::standard();
    for (const auto* path :
         {"pte/arm_mv2_ethosu55_128_int8.pte", "pte/cmsisexec_ethos_u_minimal_example.pte",
          "pte/himax_add_quant_ethosu55_64.pte"}) {
        INFO(path);
        const auto report = testing::damageAndRead(registry, fixture(path));
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
    }
}

// Shape of the value an operand of `node` refers to.
const std::vector<std::int64_t>& operandShape(const Graph& graph, const Operand& operand) {
    return graph.values.at(static_cast<std::size_t>(operand.value)).shape;
}

std::vector<std::int64_t> shapeAttribute(const Node& node, const char* name) {
    return std::get<std::vector<std::int64_t>>(attribute(node.attributes, name));
}

std::int64_t macsOf(const Node& node) {
    return std::get<std::int64_t>(attribute(node.attributes, "macs"));
}

TEST_CASE("ethosu: NPU operations of the MobileNetV2 delegate and its TOSA", "[ethosu][tosa]") {
    // The same delegate before Vela (tosa) and after (npu).
    const auto tosaModel = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto& tosa = tosaModel.graphs.at(0);
    const auto pte = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto& npu = commandStreamGraph(pte);

    // Convolutions: Vela splits a layer into stripes, but the stripes of each kind of layer
    // (kernel size and input depth) do exactly the TOSA layers' multiply-accumulates.
    using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t>;
    std::map<Key, std::int64_t> tosaConv, npuConv, tosaDepthwise, npuDepthwise;
    for (const auto& node : tosa.nodes) {
        if (node.op != "tosa.CONV2D" && node.op != "tosa.DEPTHWISE_CONV2D") continue;
        const auto& in = operandShape(tosa, node.inputs.at(0));
        const auto& weight = operandShape(tosa, node.inputs.at(1));
        const auto& out = operandShape(tosa, node.outputs.at(0));
        const auto outputs = out[1] * out[2] * out[3];
        if (node.op == "tosa.CONV2D") // weight [OC, KH, KW, IC]
            tosaConv[{weight[1], weight[2], in[3]}] += outputs * weight[1] * weight[2] * weight[3];
        else // weight [KH, KW, C, M]
            tosaDepthwise[{weight[0], weight[1], 1}] += outputs * weight[0] * weight[1];
    }
    std::size_t npuConvOps = 0, npuDepthwiseOps = 0;
    for (const auto& node : npu.nodes) {
        if (node.op != "ethosu.CONV" && node.op != "ethosu.DEPTHWISE") continue;
        const auto kernel = shapeAttribute(node, "kernel_size");
        if (node.op == "ethosu.CONV") {
            npuConv[{kernel[0], kernel[1], shapeAttribute(node, "ifm_shape")[3]}] += macsOf(node);
            ++npuConvOps;
        } else {
            npuDepthwise[{kernel[0], kernel[1], 1}] += macsOf(node);
            ++npuDepthwiseOps;
        }
    }
    CHECK(npuConv == tosaConv);
    CHECK(npuDepthwise == tosaDepthwise);
    std::int64_t convMacs = 0;
    for (const auto& [key, macs] : tosaConv)
        convMacs += macs;
    CHECK(convMacs == 280057856);
    const auto tosaOps = tosa.opHistogram();
    CHECK(tosaOps.at("tosa.CONV2D") == 36);
    CHECK(npuConvOps == 158);
    CHECK(tosaOps.at("tosa.DEPTHWISE_CONV2D") == 17);
    CHECK(npuDepthwiseOps == 32);

    // Each residual ADD (with the RESCALEs of its operands) becomes three MULs and three ADDs
    // over its whole output; the CLAMPs and the other RESCALEs have no operation of their own
    // (they are folded into the output stage of the operation before them).
    std::map<std::pair<std::string, std::vector<std::int64_t>>, std::size_t> tosaAdds,
        npuElementwise;
    for (const auto& node : tosa.nodes) {
        if (node.op != "tosa.ADD") continue;
        const auto& out = operandShape(tosa, node.outputs.at(0));
        tosaAdds[{"ADD", out}] += 3;
        tosaAdds[{"MUL", out}] += 3;
    }
    for (const auto& node : npu.nodes)
        if (node.op == "ethosu.ELEMENTWISE")
            ++npuElementwise[{std::get<EnumValue>(attribute(node.attributes, "mode")).name,
                              shapeAttribute(node, "ofm_shape")}];
    CHECK(npuElementwise == tosaAdds);
    CHECK(tosaOps.at("tosa.ADD") == 10);
    CHECK(npu.opHistogram().at("ethosu.ELEMENTWISE") == 60);
    CHECK(tosaOps.at("tosa.CLAMP") == 35);
    CHECK(tosaOps.at("tosa.RESCALE") == 83);

    // AVG_POOL2D is one 7x7 average POOL; the input TRANSPOSE (NCHW to NHWC) runs as 1x1
    // average POOLs that move its elements twice (a full copy and one per column).
    const auto& avg = *std::find_if(tosa.nodes.begin(), tosa.nodes.end(),
                                    [](const Node& n) { return n.op == "tosa.AVG_POOL2D"; });
    const auto& transpose = *std::find_if(tosa.nodes.begin(), tosa.nodes.end(),
                                          [](const Node& n) { return n.op == "tosa.TRANSPOSE"; });
    std::size_t averagePools = 0;
    std::int64_t movedElements = 0;
    for (const auto& node : npu.nodes) {
        if (node.op != "ethosu.POOL") continue;
        CHECK(std::get<EnumValue>(attribute(node.attributes, "mode")).name == "AVERAGE");
        if (shapeAttribute(node, "kernel_size") == std::vector<std::int64_t>{7, 7}) {
            ++averagePools;
            CHECK(shapeAttribute(node, "ifm_shape") == operandShape(tosa, avg.inputs.at(0)));
            CHECK(shapeAttribute(node, "ofm_shape") == operandShape(tosa, avg.outputs.at(0)));
            continue;
        }
        CHECK(shapeAttribute(node, "kernel_size") == std::vector<std::int64_t>{1, 1});
        movedElements += macsOf(node);
    }
    CHECK(averagePools == 1);
    const auto& transposed = tosa.values.at(static_cast<std::size_t>(transpose.inputs.at(0).value));
    CHECK(transposed.shape == std::vector<std::int64_t>{1, 3, 224, 224});
    CHECK(movedElements == 2 * static_cast<std::int64_t>(transposed.elementCount()));
    CHECK(npu.opHistogram().at("ethosu.POOL") == 226);
}
