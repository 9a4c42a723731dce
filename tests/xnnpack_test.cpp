#include "app/sample/xnnpack_sample_payload.hpp"
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "parsers/xnnpack/xnnpack_payload_reader.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"
#include "xnnpack_graph_generated.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <limits>
#include <string_view>

using namespace pteron;
using testing::fixture;

namespace {

namespace fbx = fb::xnnpack;

constexpr std::uint32_t kInvalid = std::numeric_limits<std::uint32_t>::max();

std::vector<std::byte> asBytes(const std::vector<std::uint8_t>& bytes) {
    const auto view = std::as_bytes(std::span(bytes));
    return {view.begin(), view.end()};
}

DelegatePayload payloadOf(std::shared_ptr<const MappedFile> file, NamedDataLookup named = {},
                          std::size_t skip = 0) {
    DelegatePayload payload;
    payload.backend = "XnnpackBackend";
    payload.bytes = ByteView(file, file->bytes().subspan(skip));
    payload.namedData = std::move(named);
    payload.file = file->path();
    payload.tablePath = "forward.delegates[0]";
    payload.parentGraph = 0;
    payload.graphId = "forward/XnnpackBackend#0";
    return payload;
}

struct Decoded {
    std::shared_ptr<const MappedFile> file;
    Model model;
    std::size_t index = 0;
    const Graph& graph() const { return model.graphs.at(index); }
};

Decoded decodeBytes(const std::vector<std::uint8_t>& bytes, NamedDataLookup named = {}) {
    Decoded decoded;
    decoded.file = MappedFile::fromBytes("payload.bin", asBytes(bytes));
    decoded.model.graphs.emplace_back(); // the calling graph
    decoded.index = decodeXnnpackPayload(payloadOf(decoded.file, std::move(named)), decoded.model);
    return decoded;
}

std::string whereOfFailure(const std::vector<std::uint8_t>& bytes) {
    try {
        decodeBytes(bytes);
    } catch (const FormatError& error) {
        return error.where();
    }
    return "no error";
}

const Value& operandValue(const Graph& graph, const Operand& operand) {
    return graph.values.at(static_cast<std::size_t>(operand.value));
}

AttributeValue attribute(const Attributes& attributes, const std::string& name) {
    const auto* found = findAttribute(attributes, name);
    return found ? found->value : AttributeValue{};
}

std::int64_t intAttribute(const Attributes& attributes, const std::string& name) {
    const auto value = attribute(attributes, name);
    REQUIRE(std::holds_alternative<std::int64_t>(value));
    return std::get<std::int64_t>(value);
}

// Builds small XNNGraphs for the cases the sample does not cover.
class GraphBuilder {
  public:
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<flatbuffers::Offset<fbx::XValue>> values;
    std::vector<flatbuffers::Offset<fbx::XNode>> nodes;
    std::vector<flatbuffers::Offset<fbx::ConstantDataOffset>> constants{
        fbx::CreateConstantDataOffset(fbb, 0, 0)};
    std::vector<flatbuffers::Offset<fbx::Buffer>> buffers;
    std::vector<std::uint32_t> inputs;
    std::vector<std::uint32_t> outputs;

    flatbuffers::Offset<fbx::XNNTensorValue> tensor(std::uint32_t id, fbx::XNNDatatype type,
                                                    std::vector<std::uint32_t> dims,
                                                    std::uint32_t constant = 0) {
        return fbx::CreateXNNTensorValue(fbb, type, static_cast<std::uint32_t>(dims.size()),
                                         fbb.CreateVector(dims), constant, kInvalid, 0, id);
    }
    void plain(std::uint32_t id, std::vector<std::uint32_t> dims = {4},
               std::uint32_t constant = 0) {
        const auto value = tensor(id, fbx::XNNDatatype::fp32, std::move(dims), constant);
        values.push_back(fbx::CreateXValue(fbb, fbx::XValueUnion::XNNTensorValue, value.Union()));
    }
    void quantized(flatbuffers::Offset<fbx::XNNTensorValue> value, fbx::XNNQuantParams kind,
                   flatbuffers::Offset<void> params) {
        const auto q = fbx::CreateXNNQuantizedTensorValue(fbb, value, kind, params);
        values.push_back(
            fbx::CreateXValue(fbb, fbx::XValueUnion::XNNQuantizedTensorValue, q.Union()));
    }
    std::uint32_t constant(std::uint64_t offset, std::uint64_t size, const char* key = nullptr) {
        constants.push_back(
            fbx::CreateConstantDataOffset(fbb, offset, size, key ? fbb.CreateString(key) : 0));
        return static_cast<std::uint32_t>(constants.size() - 1);
    }
    void node(fbx::XNodeUnion type, flatbuffers::Offset<void> table) {
        nodes.push_back(fbx::CreateXNode(fbb, type, table, 65535));
    }
    std::vector<std::uint8_t> finish(const char* identifier = "XN01") {
        const auto root = fbx::CreateXNNGraph(
            fbb, fbb.CreateString("0"), fbb.CreateVector(nodes), fbb.CreateVector(values),
            static_cast<std::uint32_t>(inputs.size() + outputs.size()), fbb.CreateVector(inputs),
            fbb.CreateVector(outputs), buffers.empty() ? 0 : fbb.CreateVector(buffers), 0,
            fbb.CreateVector(constants));
        fbb.Finish(root, identifier);
        return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
    }
};

std::vector<std::uint8_t> withHeader(const std::vector<std::uint8_t>& flatbuffer,
                                     const std::vector<std::uint8_t>& constants = {}) {
    return wrapXnnpackPayload(flatbuffer, constants);
}

// Add of two values: the simplest complete graph, used for id checks.
GraphBuilder addGraph() {
    GraphBuilder builder;
    builder.plain(0);
    builder.plain(1);
    builder.plain(2);
    builder.inputs = {0, 1};
    builder.outputs = {2};
    return builder;
}

const Graph* delegateChild(const Model& model) {
    for (const auto& graph : model.graphs)
        if (graph.kind == "delegate" && graph.parent) return &graph;
    return nullptr;
}

} // namespace

TEST_CASE("the sample payload decodes into FullyConnected then Clamp") {
    const auto payload = buildSampleXnnpackPayload();
    const auto shapes = sampleXnnpackShapes();
    const auto decoded = decodeBytes(payload);
    CHECK(decoded.index == 1);
    const Graph& graph = decoded.graph();
    CHECK(graph.id == "forward/XnnpackBackend#0");
    CHECK(graph.kind == "delegate");
    CHECK(graph.name == "XnnpackBackend");
    CHECK(graph.parent == std::optional<std::size_t>(0));
    REQUIRE(graph.partitions.size() == 1);
    CHECK(graph.partitions[0].backend == "XnnpackBackend");
    CHECK(graph.partitions[0].device == DeviceClass::CPU);
    CHECK(graph.partitions[0].delegated);
    CHECK(std::get<std::string>(attribute(graph.attributes, "identifier")) == "XN01");
    CHECK(std::get<std::string>(attribute(graph.attributes, "version")) == "0");
    CHECK(intAttribute(graph.attributes, "num_externs") == 2);

    REQUIRE(graph.nodes.size() == 2);
    const Node& linear = graph.nodes[0];
    const Node& clamp = graph.nodes[1];
    CHECK(linear.op == "xnnpack.FullyConnected");
    CHECK(clamp.op == "xnnpack.Clamp");
    CHECK(linear.partition == 0);
    CHECK(clamp.partition == 0);
    REQUIRE(linear.inputs.size() == 3);
    CHECK(linear.inputs[0].name == "input1");
    CHECK(linear.inputs[1].name == "filter");
    CHECK(linear.inputs[2].name == "bias");
    REQUIRE(linear.outputs.size() == 1);
    CHECK(linear.outputs[0].name == "output");
    CHECK(linear.outputs[0].value == clamp.inputs.at(0).value);
    CHECK(intAttribute(linear.attributes, "debug_handle") == 1);
    CHECK(intAttribute(linear.attributes, "flags") == 0);
    CHECK(findAttribute(linear.attributes, "output_min") == nullptr);
    CHECK(intAttribute(clamp.attributes, "debug_handle") == 2);
    CHECK(std::get<double>(attribute(clamp.attributes, "output_min")) == 0.0);
    CHECK(std::get<double>(attribute(clamp.attributes, "output_max")) == 6.0);

    const Value& input = operandValue(graph, linear.inputs[0]);
    CHECK(input.kind == ValueKind::Input);
    CHECK(input.dtype == DType::Int8);
    CHECK(input.shape == std::vector<std::int64_t>{1, shapes.inputFeatures});
    CHECK(input.quantization.scheme == "per-tensor");
    CHECK(input.quantization.scales.at(0) == Approx(shapes.inputScale));
    CHECK(input.quantization.zeroPoints == std::vector<std::int64_t>{shapes.inputZeroPoint});
    CHECK(intAttribute(input.attributes, "external_id") == 0);
    CHECK(intAttribute(input.attributes, "flags") == 1);
    CHECK(std::get<EnumValue>(attribute(input.attributes, "datatype")) == EnumValue{"qint8", 3});

    const Value& weights = operandValue(graph, linear.inputs[1]);
    CHECK(weights.kind == ValueKind::Constant);
    CHECK(weights.dtype == DType::Int8);
    CHECK(std::get<EnumValue>(attribute(weights.attributes, "datatype")) == EnumValue{"qcint8", 6});
    CHECK(weights.shape == std::vector<std::int64_t>{shapes.outputFeatures, shapes.inputFeatures});
    CHECK(weights.quantization.scheme == "per-channel");
    CHECK(weights.quantization.axis == std::optional<std::int64_t>(0));
    REQUIRE(weights.quantization.scales.size() == 4);
    CHECK(weights.quantization.scales[3] == Approx(0.04));
    CHECK(findAttribute(weights.attributes, "external_id") == nullptr);
    // Weights are viewed in place: 32 bytes right after the flatbuffer, aligned to 16.
    REQUIRE(weights.data.size() == 32);
    CHECK(weights.data.owner() == decoded.file.get());
    CHECK(weights.data.fileOffset() % 16 == 0);
    CHECK(std::to_integer<int>(weights.data.bytes()[0]) == 0xfd); // -3
    CHECK(std::to_integer<int>(weights.data.bytes()[6]) == 3);

    const Value& bias = operandValue(graph, linear.inputs[2]);
    CHECK(bias.dtype == DType::Int32);
    CHECK(bias.kind == ValueKind::Constant);
    CHECK(bias.data.size() == 16);
    CHECK(bias.data.fileOffset() == weights.data.fileOffset() + 32);
    CHECK(bias.quantization.scales.at(1) == Approx(0.05 * 0.02));

    const Value& output = operandValue(graph, clamp.outputs.at(0));
    CHECK(output.kind == ValueKind::Output);
    CHECK(intAttribute(output.attributes, "external_id") == 1);
    CHECK(output.quantization.zeroPoints == std::vector<std::int64_t>{-128});
    CHECK(operandValue(graph, linear.outputs[0]).kind == ValueKind::Intermediate);

    CHECK(graph.values.size() == 5);
    CHECK(graph.inputs == std::vector<std::int64_t>{linear.inputs[0].value});
    CHECK(graph.outputs == std::vector<std::int64_t>{clamp.outputs[0].value});
}

TEST_CASE("the sample payload has the writer's layout") {
    const auto payload = buildSampleXnnpackPayload();
    REQUIRE(payload.size() > 64);
    CHECK(std::memcmp(payload.data() + 4, "XH00", 4) == 0);
    CHECK(payload[8] == 30);
    CHECK(payload[10] == 32);
    CHECK(std::memcmp(payload.data() + 36, "XN01", 4) == 0);
    const auto constantOffset = payload[18] | (payload[19] << 8);
    CHECK(constantOffset % 16 == 0);
    CHECK(payload.size() == static_cast<std::size_t>(constantOffset) + 48);
}

TEST_CASE("every truncation and byte flip of the sample gives an error or a graph") {
    const auto payload = buildSampleXnnpackPayload();
    std::size_t errors = 0;
    std::size_t graphs = 0;
    auto attempt = [&](const std::vector<std::uint8_t>& bytes) {
        try {
            decodeBytes(bytes);
            ++graphs;
        } catch (const FormatError&) {
            ++errors;
        }
    };
    for (std::size_t length = 0; length < payload.size(); ++length)
        attempt({payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(length)});
    for (std::size_t at = 0; at < payload.size(); ++at) {
        auto damaged = payload;
        damaged[at] ^= 0xff;
        attempt(damaged);
    }
    CHECK(errors + graphs == 2 * payload.size());
    CHECK(errors > payload.size());
    CHECK(graphs > 0);
}

TEST_CASE("header regions and identifiers are checked") {
    auto payload = buildSampleXnnpackPayload();
    SECTION("flatbuffer size beyond the payload") {
        payload[14] = 0xff;
        payload[15] = 0xff;
        CHECK(whereOfFailure(payload).find("offset 0xa") == 0);
    }
    SECTION("constant data beyond the payload") {
        payload[22] = 0xff;
        CHECK(whereOfFailure(payload).find("offset 0x12") == 0);
    }
    SECTION("header length below 30") {
        payload[8] = 12;
        CHECK(whereOfFailure(payload).find("offset 0x8") == 0);
    }
    SECTION("unknown flatbuffer identifier") {
        payload[36 + 3] = '7';
        CHECK_THROWS_WITH(decodeBytes(payload), Catch::Contains("\"XN00\" or \"XN01\""));
    }
    SECTION("no header and no flatbuffer") {
        CHECK_THROWS_AS(decodeBytes(std::vector<std::uint8_t>(64, 0)), FormatError);
    }
}

TEST_CASE("value ids that name no value are errors with their table path") {
    SECTION("node operand") {
        auto builder = addGraph();
        builder.node(fbx::XNodeUnion::XNNAdd, fbx::CreateBinaryNode(builder.fbb, 0, 7, 2).Union());
        builder.node(fbx::XNodeUnion::XNNAdd, fbx::CreateBinaryNode(builder.fbb, 0, 1, 2).Union());
        const auto where = whereOfFailure(withHeader(builder.finish()));
        CHECK(where.find("XNNGraph.xnodes[0].input2_id") != std::string::npos);
        CHECK(where.find("forward.delegates[0]") != std::string::npos);
    }
    SECTION("graph output") {
        auto builder = addGraph();
        builder.outputs = {9};
        CHECK(whereOfFailure(withHeader(builder.finish())).find("output_ids[0]") !=
              std::string::npos);
    }
    SECTION("duplicate value id") {
        auto builder = addGraph();
        builder.plain(1);
        CHECK(whereOfFailure(withHeader(builder.finish())).find("xvalues[3]") != std::string::npos);
    }
    SECTION("unknown node type") {
        auto builder = addGraph();
        builder.node(static_cast<fbx::XNodeUnion>(90),
                     fbx::CreateBinaryNode(builder.fbb, 0, 1, 2).Union());
        CHECK(whereOfFailure(withHeader(builder.finish())).find("xnode_union_type") !=
              std::string::npos);
    }
    SECTION("constant index past constant_data") {
        auto builder = addGraph();
        builder.plain(3, {4}, 5);
        CHECK(whereOfFailure(withHeader(builder.finish())).find("constant_buffer_idx") !=
              std::string::npos);
    }
    SECTION("constant bytes past the constant data") {
        auto builder = addGraph();
        builder.plain(3, {4}, builder.constant(8, 16));
        CHECK(whereOfFailure(withHeader(builder.finish(), std::vector<std::uint8_t>(16)))
                  .find("constant_data[1]") != std::string::npos);
    }
}

TEST_CASE("absent operands, concatenation inputs and node parameters") {
    auto builder = addGraph();
    builder.plain(3, {2, 2});
    builder.node(fbx::XNodeUnion::XNNFullyConnected,
                 fbx::CreateFullyConnectedNode(builder.fbb, 0, 1, kInvalid, 2).Union());
    builder.node(fbx::XNodeUnion::XNNConcatenate2,
                 fbx::CreateConcatNode(builder.fbb, 1, 0, 1, 0, 0, 2, 0, 0).Union());
    const std::vector<std::uint32_t> perm{1, 0};
    builder.node(
        fbx::XNodeUnion::XNNStaticTranspose,
        fbx::CreateStaticTransposeNode(builder.fbb, 2, builder.fbb.CreateVector(perm), 3, 2)
            .Union());
    builder.node(
        fbx::XNodeUnion::XNNConv2d,
        fbx::CreateConvNode(builder.fbb, 1, 1, 1, 1, 3, 3, 2, 2, 1, 1, 4, 8, 1, 0, 0, 0, 1, 3, 2, 0)
            .Union());
    builder.node(fbx::XNodeUnion::XNNLeakyReLU,
                 fbx::CreateLeakyReLUNode(builder.fbb, 0.125f, 0, 2).Union());
    builder.node(fbx::XNodeUnion::XNNCos, fbx::CreateUnaryNode(builder.fbb, 0, 2).Union());
    const auto decoded = decodeBytes(withHeader(builder.finish()));
    const auto& nodes = decoded.graph().nodes;
    REQUIRE(nodes.size() == 6);

    CHECK(nodes[0].inputs.at(2).name == "bias");
    CHECK(nodes[0].inputs.at(2).value == kAbsentValue);

    CHECK(nodes[1].op == "xnnpack.Concatenate2");
    CHECK(nodes[1].inputs.size() == 2);
    CHECK(intAttribute(nodes[1].attributes, "axis") == 1);

    CHECK(nodes[2].op == "xnnpack.StaticTranspose");
    CHECK(std::get<std::vector<std::int64_t>>(attribute(nodes[2].attributes, "perm")) ==
          std::vector<std::int64_t>{1, 0});
    CHECK(intAttribute(nodes[2].attributes, "num_dims") == 2);

    CHECK(nodes[3].op == "xnnpack.Conv2d");
    CHECK(intAttribute(nodes[3].attributes, "kernel_height") == 3);
    CHECK(intAttribute(nodes[3].attributes, "subsampling_width") == 2);
    CHECK(intAttribute(nodes[3].attributes, "group_output_channels") == 8);
    CHECK(intAttribute(nodes[3].attributes, "padding_left") == 1);
    CHECK(nodes[3].inputs.size() == 3);
    CHECK(nodes[3].inputs[1].name == "filter");

    CHECK(nodes[4].op == "xnnpack.LeakyReLU");
    CHECK(std::get<double>(attribute(nodes[4].attributes, "negative_slope")) == 0.125);
    CHECK(nodes[5].op == "xnnpack.Cos");
    CHECK(intAttribute(nodes[5].attributes, "debug_handle") == 65535);
}

TEST_CASE("named constants, scale buffers and dynamic quantisation") {
    auto builder = addGraph();
    const auto named = builder.constant(kInvalid, 8, "weights-key");
    const auto missing = builder.constant(kInvalid, 8, "missing-key");
    const auto scales = builder.constant(0, 8);
    const auto groupScales = builder.constant(16, 4);
    builder.plain(3, {8}, named);
    builder.plain(4, {8}, missing);
    builder.quantized(builder.tensor(5, fbx::XNNDatatype::qcint8, {2, 4}),
                      fbx::XNNQuantParams::PerChannelQuant,
                      fbx::CreatePerChannelQuant(builder.fbb, 0, 0, scales, 2).Union());
    builder.quantized(
        builder.tensor(6, fbx::XNNDatatype::qbint4, {2, 4}),
        fbx::XNNQuantParams::PerChannelGroupQuant,
        fbx::CreatePerChannelGroupQuant(builder.fbb, 0, 0, 2, 0, groupScales, 2).Union());
    builder.quantized(builder.tensor(7, fbx::XNNDatatype::qdint8, {3, 4}),
                      fbx::XNNQuantParams::PerTokenDynamicQuant,
                      fbx::CreatePerTokenDynamicQuant(builder.fbb, 1).Union());
    std::vector<std::uint8_t> constants(32, 0);
    const float scaleValues[2] = {0.5f, 0.25f};
    std::memcpy(constants.data(), scaleValues, sizeof scaleValues);
    const std::uint8_t bf16Scales[4] = {0x80, 0x3f, 0x00, 0x40}; // bf16 1.0, 2.0
    std::memcpy(constants.data() + 16, bf16Scales, sizeof bf16Scales);

    const auto blobFile =
        MappedFile::fromBytes("named.bin", std::vector<std::byte>(8, std::byte{7}));
    const auto decoded = decodeBytes(withHeader(builder.finish(), constants),
                                     [&](std::string_view key) -> std::optional<ByteView> {
                                         if (key != "weights-key") return std::nullopt;
                                         return ByteView(blobFile, blobFile->bytes());
                                     });
    const auto& values = decoded.graph().values;
    REQUIRE(values.size() == 8);

    CHECK(values[3].data.owner() == blobFile.get());
    CHECK(values[3].data.size() == 8);
    CHECK(std::get<std::string>(attribute(values[3].attributes, "named_key")) == "weights-key");

    CHECK(values[4].kind == ValueKind::Constant);
    CHECK(values[4].data.empty());
    CHECK(findAttribute(values[4].attributes, "unresolved") != nullptr);

    CHECK(values[5].quantization.scheme == "per-channel");
    CHECK(values[5].quantization.scales == std::vector<double>{0.5, 0.25});

    // qbint4 holds unsigned nibbles offset by 8.
    CHECK(values[6].dtype == DType::UInt4);
    CHECK(values[6].quantization.zeroPoints == std::vector<std::int64_t>{8});
    CHECK(values[6].quantization.scheme == "per-channel-group");
    CHECK(values[6].quantization.groupSize == std::optional<std::int64_t>(2));
    CHECK(values[6].quantization.scales == std::vector<double>{1.0, 2.0});

    CHECK(values[7].dtype == DType::Int8);
    CHECK(values[7].quantization.scheme == "dynamic");
    CHECK(intAttribute(values[7].attributes, "num_nonbatch_dims") == 1);
}

TEST_CASE("an XN00 flatbuffer without header uses the legacy inline constants") {
    auto builder = addGraph();
    const std::vector<std::uint8_t> storage{1, 2, 3, 4, 5, 6, 7, 8};
    builder.buffers.push_back(fbx::CreateBuffer(builder.fbb));
    builder.buffers.push_back(fbx::CreateBuffer(builder.fbb, builder.fbb.CreateVector(storage)));
    builder.plain(3, {2}, 1);
    const auto flatbuffer = builder.finish("XN00");

    // Shifted by 4 bytes inside its file, so the decoder must verify an aligned copy.
    std::vector<std::uint8_t> shifted(4, 0);
    shifted.insert(shifted.end(), flatbuffer.begin(), flatbuffer.end());
    const auto file = MappedFile::fromBytes("shifted.bin", asBytes(shifted));
    Model model;
    model.graphs.emplace_back();
    const auto index = decodeXnnpackPayload(payloadOf(file, {}, 4), model);
    const Graph& graph = model.graphs.at(index);
    CHECK(std::get<std::string>(attribute(graph.attributes, "identifier")) == "XN00");
    CHECK(std::get<std::string>(attribute(graph.attributes, "header")) == "none");
    const Value& constant = graph.values.at(3);
    REQUIRE(constant.data.size() == 8);
    CHECK(constant.data.owner() == file.get());
    CHECK(std::memcmp(constant.data.bytes().data(), storage.data(), storage.size()) == 0);
}

TEST_CASE("quantised linear fixture: Convert, FullyConnected, Convert") {
    const auto model = FormatRegistry::standard().open(fixture("pte/cc_linear_xnnpack_int8.pte"));
    const Graph* graph = delegateChild(model);
    REQUIRE(graph != nullptr);
    CHECK(graph->id == "forward/XnnpackBackend#0");
    CHECK(graph->parent == std::optional<std::size_t>(0));
    CHECK(model.graphs.at(0).partitions.at(1).childGraph == std::optional<std::size_t>(1));
    CHECK(std::get<std::string>(attribute(graph->attributes, "identifier")) == "XN01");
    CHECK(intAttribute(graph->attributes, "num_externs") == 2);
    CHECK(intAttribute(graph->attributes, "flatbuffer bytes") == 1056);

    REQUIRE(graph->nodes.size() == 3);
    CHECK(graph->nodes[0].op == "xnnpack.Convert");
    CHECK(graph->nodes[1].op == "xnnpack.FullyConnected");
    CHECK(graph->nodes[2].op == "xnnpack.Convert");
    CHECK(intAttribute(graph->nodes[0].attributes, "debug_handle") == 2);
    CHECK(intAttribute(graph->nodes[1].attributes, "debug_handle") == 3);

    REQUIRE(graph->values.size() == 6);
    const Value& input = graph->values[0];
    CHECK(input.kind == ValueKind::Input);
    CHECK(input.dtype == DType::Float32);
    CHECK(input.shape == std::vector<std::int64_t>{2, 8});
    CHECK(input.quantization.empty());

    const auto& linear = graph->nodes[1];
    const Value& activation = operandValue(*graph, linear.inputs.at(0));
    CHECK(activation.dtype == DType::Int8);
    CHECK(activation.quantization.scheme == "per-tensor");
    CHECK(activation.quantization.scales.at(0) == Approx(0.00798809));
    CHECK(activation.quantization.zeroPoints == std::vector<std::int64_t>{-27});

    const Value& weights = operandValue(*graph, linear.inputs.at(1));
    CHECK(weights.kind == ValueKind::Constant);
    CHECK(std::get<EnumValue>(attribute(weights.attributes, "datatype")) == EnumValue{"qint8", 3});
    CHECK(weights.shape == std::vector<std::int64_t>{8, 8});
    CHECK(weights.quantization.scheme == "per-tensor");
    CHECK(weights.quantization.zeroPoints == std::vector<std::int64_t>{0});
    CHECK(weights.quantization.scales.at(0) == Approx(0.00269183));
    CHECK(weights.data.size() == 64);
    CHECK(weights.data.owner() == model.files.at(0).get());
    CHECK(std::get<std::string>(attribute(weights.attributes, "named_key")) ==
          "f12ea8fa6bc29aebec506f93a08d9bec918541c9d581bf01b7716afe36e52c14");

    const Value& bias = operandValue(*graph, linear.inputs.at(2));
    CHECK(bias.dtype == DType::Int32);
    CHECK(std::get<EnumValue>(attribute(bias.attributes, "datatype")) == EnumValue{"qint32", 5});
    CHECK(bias.data.size() == 32);
    CHECK(bias.quantization.scales.at(0) == Approx(2.15026e-05));

    const Value& quantizedOut = operandValue(*graph, linear.outputs.at(0));
    CHECK(quantizedOut.quantization.zeroPoints == std::vector<std::int64_t>{-30});
    const Value& output = graph->values[5];
    CHECK(output.kind == ValueKind::Output);
    CHECK(output.dtype == DType::Float32);
    CHECK(intAttribute(output.attributes, "external_id") == 1);
    CHECK(graph->inputs == std::vector<std::int64_t>{0});
    CHECK(graph->outputs == std::vector<std::int64_t>{5});
}

TEST_CASE("dynamic shape fixture: one Multiply over bounded fp32 values") {
    const auto model = FormatRegistry::standard().open(fixture("pte/cc_dynamic_shape_xnnpack.pte"));
    const Graph* graph = delegateChild(model);
    REQUIRE(graph != nullptr);
    CHECK(intAttribute(graph->attributes, "num_externs") == 3);
    REQUIRE(graph->nodes.size() == 1);
    const Node& multiply = graph->nodes[0];
    CHECK(multiply.op == "xnnpack.Multiply");
    CHECK(intAttribute(multiply.attributes, "debug_handle") == 1);
    REQUIRE(multiply.inputs.size() == 2);
    CHECK(operandValue(*graph, multiply.inputs[0]).shape == std::vector<std::int64_t>{8});
    CHECK(operandValue(*graph, multiply.inputs[1]).shape == std::vector<std::int64_t>{1});
    CHECK(operandValue(*graph, multiply.outputs.at(0)).kind == ValueKind::Output);
    for (const auto& value : graph->values)
        CHECK(value.dtype == DType::Float32);
    CHECK(graph->inputs == std::vector<std::int64_t>{0, 1});
    CHECK(graph->outputs == std::vector<std::int64_t>{2});
}

TEST_CASE("damaged XNNPACK programs read or fail cleanly") {
    const auto registry = FormatRegistry::standard();
    for (const auto* name :
         {"pte/cc_linear_xnnpack_int8.pte", "pte/cc_dynamic_shape_xnnpack.pte"}) {
        INFO(name);
        const auto report = testing::damageAndRead(registry, fixture(name));
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
        CHECK(report.readOk > 0);
    }
}

namespace {

// Union member names in XNodeUnion order (1..47), as the schema's XNodeUnion lists them.
constexpr std::array<std::string_view, 47> kXnnpackNodeNames{"Add",
                                                             "FullyConnected",
                                                             "Softmax",
                                                             "Sigmoid",
                                                             "StaticTranspose",
                                                             "Clamp",
                                                             "Conv2d",
                                                             "Div",
                                                             "StaticResizeBilinear2D",
                                                             "StaticConstantPad",
                                                             "AvgPooling2d",
                                                             "Minimum",
                                                             "DepthwiseConv2d",
                                                             "MaxPooling2d",
                                                             "Multiply",
                                                             "Subtract",
                                                             "Floor",
                                                             "Convert",
                                                             "GlobalAvgPooling2d",
                                                             "StaticReshape",
                                                             "ArgMaxPooling2d",
                                                             "SquareRoot",
                                                             "Ceiling",
                                                             "Hardswish",
                                                             "LeakyReLU",
                                                             "Maximum",
                                                             "Negate",
                                                             "Square",
                                                             "ELU",
                                                             "Abs",
                                                             "PReLU",
                                                             "Concatenate2",
                                                             "Concatenate3",
                                                             "Concatenate4",
                                                             "StaticSlice",
                                                             "ScaledDotProductAttention",
                                                             "BatchMatrixMultiply",
                                                             "Concatenate5",
                                                             "ConvTranspose2d",
                                                             "ReciprocalSquareRoot",
                                                             "Log",
                                                             "Gelu",
                                                             "Tanh",
                                                             "Exp",
                                                             "Sin",
                                                             "Copy",
                                                             "Cos"};

struct ExpectedOperands {
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
};

// A node of `type` built with the generated Create function of its table. Input ids count up
// from 0, output ids from 10, so each operand shows which field it came from.
ExpectedOperands buildNode(GraphBuilder& builder, fbx::XNodeUnion type) {
    auto& fbb = builder.fbb;
    const auto* unionTypes = fbx::XNodeUnionTypeTable();
    const auto member = static_cast<std::size_t>(type);
    const auto* table = unionTypes->type_refs[unionTypes->type_codes[member].sequence_ref]();
    const std::vector<std::uint32_t> dims{4};
    if (table == fbx::BinaryNodeTypeTable()) {
        builder.node(type, fbx::CreateBinaryNode(fbb, 0, 1, 10, 0).Union());
        return {{"input1", "input2"}, {"output"}};
    }
    if (table == fbx::UnaryNodeTypeTable()) {
        builder.node(type, fbx::CreateUnaryNode(fbb, 0, 10, 0).Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::ConvNodeTypeTable()) {
        builder.node(type, fbx::CreateConvNode(fbb, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 4, 4, 1, 0, 0, 0,
                                               1, 2, 10, 0)
                               .Union());
        return {{"input1", "filter", "bias"}, {"output"}};
    }
    if (table == fbx::PoolingNodeTypeTable()) {
        builder.node(type,
                     fbx::CreatePoolingNode(fbb, 0, 0, 0, 0, 2, 2, 2, 2, 1, 1, 0, 10, 0).Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::ConcatNodeTypeTable()) {
        const auto count = static_cast<std::size_t>(kXnnpackNodeNames[member - 1].back() - '0');
        builder.node(type, fbx::CreateConcatNode(fbb, 0, 0, 1, 2, 3, 10, 0, 4).Union());
        ExpectedOperands expected{{}, {"output"}};
        for (std::size_t i = 1; i <= count; ++i)
            expected.inputs.push_back("input" + std::to_string(i));
        return expected;
    }
    if (table == fbx::FullyConnectedNodeTypeTable()) {
        builder.node(type, fbx::CreateFullyConnectedNode(fbb, 0, 1, 2, 10, 0).Union());
        return {{"input1", "filter", "bias"}, {"output"}};
    }
    if (table == fbx::StaticTransposeNodeTypeTable()) {
        builder.node(
            type, fbx::CreateStaticTransposeNode(fbb, 1, fbb.CreateVector(dims), 0, 10, 0).Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::StaticResizeBilinear2DNodeTypeTable()) {
        builder.node(type, fbx::CreateStaticResizeBilinear2DNode(fbb, 8, 8, 0, 10, 0).Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::StaticConstantPadNodeTypeTable()) {
        builder.node(type, fbx::CreateStaticConstantPadNode(fbb, fbb.CreateVector(dims),
                                                            fbb.CreateVector(dims), 0.5f, 0, 10, 0)
                               .Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::StaticReshapeNodeTypeTable()) {
        builder.node(
            type, fbx::CreateStaticReshapeNode(fbb, 1, fbb.CreateVector(dims), 0, 10, 0).Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::StaticSliceNodeTypeTable()) {
        builder.node(type, fbx::CreateStaticSliceNode(fbb, 1, fbb.CreateVector(dims),
                                                      fbb.CreateVector(dims), 0, 10, 0)
                               .Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::ScaledDotProductAttentionNodeTypeTable()) {
        builder.node(type,
                     fbx::CreateScaledDotProductAttentionNode(fbb, 0, 1, 2, 3, 4, 10, 0).Union());
        return {{"query", "key", "value", "scale", "mask"}, {"output"}};
    }
    if (table == fbx::ArgMaxPooling2dNodeTypeTable()) {
        builder.node(type,
                     fbx::CreateArgMaxPooling2dNode(fbb, 0, 0, 0, 0, 2, 2, 0, 10, 11, 0).Union());
        return {{"input"}, {"output_value", "output_index"}};
    }
    if (table == fbx::LeakyReLUNodeTypeTable()) {
        builder.node(type, fbx::CreateLeakyReLUNode(fbb, 0.125f, 0, 10, 0).Union());
        return {{"input"}, {"output"}};
    }
    if (table == fbx::ELUNodeTypeTable()) {
        builder.node(type, fbx::CreateELUNode(fbb, 1.5f, 0, 10, 0).Union());
        return {{"input"}, {"output"}};
    }
    FAIL("no builder for node table " << table->names);
    return {};
}

std::vector<std::string> operandNames(const std::vector<Operand>& operands) {
    std::vector<std::string> names;
    for (const auto& operand : operands)
        names.push_back(operand.name);
    return names;
}

} // namespace

TEST_CASE("all 47 XNNPACK node types: op name, inputs and outputs") {
    REQUIRE(static_cast<std::size_t>(fbx::XNodeUnion::MAX) == kXnnpackNodeNames.size());
    for (std::size_t member = 1; member <= kXnnpackNodeNames.size(); ++member) {
        const auto type = static_cast<fbx::XNodeUnion>(member);
        INFO("XNN" << kXnnpackNodeNames[member - 1]);
        GraphBuilder builder;
        for (std::uint32_t id = 0; id < 12; ++id)
            builder.plain(id);
        builder.inputs = {0, 1, 2, 3, 4};
        builder.outputs = {10, 11};
        const auto expected = buildNode(builder, type);
        const auto decoded = decodeBytes(withHeader(builder.finish()));
        const auto& graph = decoded.graph();
        REQUIRE(graph.nodes.size() == 1);
        const auto& node = graph.nodes[0];
        CHECK(node.op == "xnnpack." + std::string(kXnnpackNodeNames[member - 1]));
        CHECK(operandNames(node.inputs) == expected.inputs);
        CHECK(operandNames(node.outputs) == expected.outputs);
        // Operand i of the expectation is value id i (inputs) or 10 + i (outputs).
        for (std::size_t i = 0; i < node.inputs.size(); ++i)
            CHECK(operandValue(graph, node.inputs[i]).name == graph.values.at(i).name);
        for (std::size_t i = 0; i < node.outputs.size(); ++i)
            CHECK(operandValue(graph, node.outputs[i]).name == graph.values.at(10 + i).name);
        CHECK(findAttribute(node.attributes, "flags") != nullptr);
        CHECK(findAttribute(node.attributes, "output_id") == nullptr);
    }
}
