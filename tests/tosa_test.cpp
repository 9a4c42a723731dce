#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "parsers/tosa/tosa_constant_values.hpp"
#include "parsers/tosa/tosa_op_names.hpp"
#include "parsers/tosa/tosa_payload.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include "tosa_v0_80_generated.h"
#include "tosa_v1_0_generated.h"
#include "tosa_v1_1_generated.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace pteron;
using testing::fixture;

namespace {

namespace v080 = pteron::fb::tosa_v0_80;
namespace v10 = pteron::fb::tosa_v1_0;

Model open(const std::string& relative) {
    return FormatRegistry::standard().open(fixture("tosa/" + relative));
}

std::shared_ptr<const MappedFile> finished(flatbuffers::FlatBufferBuilder& builder,
                                           const std::string& name) {
    const auto bytes = std::as_bytes(std::span(builder.GetBufferPointer(), builder.GetSize()));
    return MappedFile::fromBytes(name, bytes);
}

Model readBuilt(flatbuffers::FlatBufferBuilder& builder, const std::string& name = "built.tosa") {
    return FormatRegistry::standard().read(finished(builder, name));
}

const Node& firstNode(const Graph& graph, const std::string& op) {
    for (const auto& node : graph.nodes)
        if (node.op == op) return node;
    FAIL("no node " << op);
    throw std::logic_error("unreachable");
}

const Value& input(const Graph& graph, const Node& node, std::size_t index) {
    return graph.values.at(static_cast<std::size_t>(node.inputs.at(index).value));
}

const Value& valueNamed(const Graph& graph, const std::string& name) {
    for (const auto& value : graph.values)
        if (value.name == name) return value;
    FAIL("no value " << name);
    throw std::logic_error("unreachable");
}

AttributeValue metadata(const Model& model, const std::string& name) {
    const auto* found = findAttribute(model.metadata, name);
    REQUIRE(found != nullptr);
    return found->value;
}

AttributeValue attribute(const Node& node, const std::string& name) {
    const auto* found = findAttribute(node.attributes, name);
    REQUIRE(found != nullptr);
    return found->value;
}

std::vector<std::string> roles(const Node& node) {
    std::vector<std::string> names;
    for (const auto& operand : node.inputs)
        names.push_back(operand.name);
    return names;
}

std::vector<std::byte> bytesOf(std::initializer_list<unsigned> values) {
    std::vector<std::byte> bytes;
    for (const auto value : values)
        bytes.push_back(static_cast<std::byte>(value));
    return bytes;
}

std::vector<std::uint8_t> int64Bytes(std::initializer_list<std::int64_t> values) {
    std::vector<std::uint8_t> bytes(values.size() * 8);
    std::size_t at = 0;
    for (const auto value : values) {
        for (int i = 0; i < 8; ++i)
            bytes[at++] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8 * i));
    }
    return bytes;
}

using Strings = std::vector<std::string>;
using Names = std::vector<flatbuffers::Offset<flatbuffers::String>>;

Names names(flatbuffers::FlatBufferBuilder& builder, const Strings& strings) {
    Names offsets;
    for (const auto& text : strings)
        offsets.push_back(builder.CreateString(text));
    return offsets;
}

flatbuffers::Offset<v10::TosaOperator> op10(flatbuffers::FlatBufferBuilder& builder, v10::Op op,
                                            const Strings& inputs, const Strings& outputs,
                                            v10::Attribute type = v10::Attribute::NONE,
                                            flatbuffers::Offset<void> attribute = 0) {
    const auto in = names(builder, inputs);
    const auto out = names(builder, outputs);
    return v10::CreateTosaOperatorDirect(builder, op, type, attribute, &in, &out);
}

flatbuffers::Offset<v10::TosaTensor> tensor10(flatbuffers::FlatBufferBuilder& builder,
                                              const std::string& name,
                                              std::vector<std::int32_t> shape, v10::DType type,
                                              std::vector<std::uint8_t> data = {},
                                              bool variable = false) {
    return v10::CreateTosaTensorDirect(builder, name.c_str(), &shape, type,
                                       data.empty() ? nullptr : &data, variable, false,
                                       variable ? "state" : nullptr);
}

// main: CONST_SHAPE (a SHAPE tensor) and a WHILE_LOOP over regions "cond" and "body".
void buildWhileLoop(flatbuffers::FlatBufferBuilder& builder) {
    using v10::DType;
    std::vector<flatbuffers::Offset<v10::TosaRegion>> regions;
    {
        auto loop = v10::CreateWhileLoopAttributeDirect(builder, "cond", "body").Union();
        std::vector ops{op10(builder, v10::Op::CONST_SHAPE, {}, {"s"}),
                        op10(builder, v10::Op::WHILE_LOOP, {"x"}, {"y"},
                             v10::Attribute::WhileLoopAttribute, loop)};
        std::vector tensors{tensor10(builder, "x", {1}, DType::INT32),
                            tensor10(builder, "y", {1}, DType::INT32),
                            tensor10(builder, "s", {3}, DType::SHAPE, int64Bytes({1, 13, 2})),
                            tensor10(builder, "v", {2}, DType::INT16, {}, true)};
        const auto in = names(builder, {"x"});
        const auto out = names(builder, {"y"});
        auto block = v10::CreateTosaBasicBlockDirect(builder, "main", &ops, &tensors, &in, &out);
        std::vector blocks{block};
        regions.push_back(v10::CreateTosaRegionDirect(builder, "main", &blocks));
    }
    for (const char* name : {"cond", "body"}) {
        const bool isCond = std::string(name) == "cond";
        std::vector ops{op10(builder, isCond ? v10::Op::GREATER : v10::Op::ADD, {"x", "x"}, {"r"})};
        std::vector tensors{tensor10(builder, "x", {1}, DType::INT32),
                            tensor10(builder, "r", {1}, isCond ? DType::BOOL : DType::INT32)};
        const auto in = names(builder, {"x"});
        const auto out = names(builder, {"r"});
        auto block = v10::CreateTosaBasicBlockDirect(builder, name, &ops, &tensors, &in, &out);
        std::vector blocks{block};
        regions.push_back(v10::CreateTosaRegionDirect(builder, name, &blocks));
    }
    auto version = v10::CreateVersion(builder, 1, 0, 0, false);
    builder.Finish(v10::CreateTosaGraphDirect(builder, version, &regions), "TOSA");
}

} // namespace

TEST_CASE("every TOSA fixture opens with its version and consistent operands") {
    const std::vector<std::pair<std::string, std::string>> versions{
        {"arm_mv2_ethosu55_tag1.tosa", "1.0.0"},
        {"arm_mv2_ethosu_N_tag277.tosa", "1.0.0"},
        {"tosa4spirv_simple_maxpool2d.tosa", "1.0.0"},
        {"tosaref_conv2d_qi8_from_tflite.tosa", "1.1.0-draft"},
        {"tosaser_test_add_1x4x4x4_f32.tosa", "1.1.0-draft"},
    };
    for (const auto& [file, version] : versions) {
        INFO(file);
        const auto model = open(file);
        CHECK(model.format == "tosa");
        CHECK(model.formatVersion == version);
        REQUIRE(model.graphs.size() == 1); // one region with one block each
        const auto& graph = model.graphs[0];
        CHECK(graph.id == "main");
        CHECK(graph.kind == "region");
        REQUIRE(graph.partitions.size() == 1);
        CHECK(graph.partitions[0].backend == "tosa");
        CHECK(graph.partitions[0].device == DeviceClass::Unknown);
        for (const auto& node : graph.nodes) {
            CHECK(node.partition == 0);
            for (const auto& operand : node.inputs)
                CHECK(graph.value(operand.value) != nullptr);
            for (const auto& operand : node.outputs)
                CHECK(graph.value(operand.value) != nullptr);
        }
    }
}

TEST_CASE("MobileNetV2 Ethos-U55 TOSA: op histogram, boundary tensors and attributes") {
    const auto model = open("arm_mv2_ethosu55_tag1.tosa");
    CHECK(toString(findAttribute(model.metadata, "schema")->value) == "1.0");
    CHECK(std::get<bool>(findAttribute(model.metadata, "draft")->value) == false);
    const auto& graph = model.graphs.at(0);
    const std::map<std::string, std::size_t> expected{{"tosa.ADD", 10},
                                                      {"tosa.AVG_POOL2D", 1},
                                                      {"tosa.CLAMP", 35},
                                                      {"tosa.CONST", 546},
                                                      {"tosa.CONST_SHAPE", 20},
                                                      {"tosa.CONV2D", 36},
                                                      {"tosa.DEPTHWISE_CONV2D", 17},
                                                      {"tosa.RESCALE", 83},
                                                      {"tosa.RESHAPE", 20},
                                                      {"tosa.TRANSPOSE", 1}};
    CHECK(graph.opHistogram() == expected);
    CHECK(graph.nodes.size() == 769);
    CHECK(graph.values.size() == 770); // 750 tensors + 20 TosaShape entries

    REQUIRE(graph.inputs.size() == 1);
    REQUIRE(graph.outputs.size() == 1);
    const auto& in = graph.values.at(static_cast<std::size_t>(graph.inputs[0]));
    CHECK(in.kind == ValueKind::Input);
    CHECK(in.typeText() == "int8[1,3,224,224]");
    const auto& out = graph.values.at(static_cast<std::size_t>(graph.outputs[0]));
    CHECK(out.kind == ValueKind::Output);
    CHECK(out.typeText() == "int8[1,1000]");

    const auto& conv = firstNode(graph, "tosa.CONV2D");
    CHECK(roles(conv) == Strings{"input", "weight", "bias", "input_zp", "weight_zp"});
    CHECK(std::get<std::vector<std::int64_t>>(attribute(conv, "pad")) ==
          std::vector<std::int64_t>{1, 0, 1, 0});
    CHECK(std::get<std::vector<std::int64_t>>(attribute(conv, "stride")) ==
          std::vector<std::int64_t>{2, 2});
    CHECK(std::get<EnumValue>(attribute(conv, "acc_type")) == EnumValue{"INT32", 5});
    const auto& weight = input(graph, conv, 1);
    CHECK(weight.kind == ValueKind::Constant);
    CHECK(weight.typeText() == "int8[32,3,3,3]");
    CHECK(tosa::tosaValuesAsInteger(weight.dtype, weight.data.bytes(), 3) ==
          std::vector<std::int64_t>{-8, -2, 15});
    const auto& bias = input(graph, conv, 2);
    CHECK(bias.typeText() == "int32[32]");
    CHECK(tosa::tosaElementAsInteger(bias.dtype, bias.data.bytes(), 0) == -772);
    CHECK(tosa::tosaElementAsInteger(DType::Int8, input(graph, conv, 3).data.bytes(), 0) == -15);
    // Constant bytes are views into the mapped file, not copies.
    const auto file = model.files.at(0)->bytes();
    CHECK(weight.data.bytes().data() >= file.data());
    CHECK(weight.data.bytes().data() + weight.data.size() <= file.data() + file.size());

    const auto& rescale = firstNode(graph, "tosa.RESCALE");
    CHECK(roles(rescale) == Strings{"input", "multiplier", "shift", "input_zp", "output_zp"});
    CHECK(std::get<EnumValue>(attribute(rescale, "rounding_mode")) == EnumValue{"SINGLE_ROUND", 1});
    CHECK(std::get<bool>(attribute(rescale, "per_channel")));
    CHECK(tosa::tosaElementAsInteger(DType::Int8, input(graph, rescale, 2).data.bytes(), 0) == 42);
    CHECK(tosa::tosaElementAsInteger(DType::Int8, input(graph, rescale, 4).data.bytes(), 0) == -12);

    const auto& clamp = firstNode(graph, "tosa.CLAMP");
    CHECK(std::get<std::int64_t>(attribute(clamp, "min_val")) == -12);
    CHECK(std::get<std::int64_t>(attribute(clamp, "max_val")) == 24);
    CHECK(std::get<EnumValue>(attribute(clamp, "nan_mode")) == EnumValue{"PROPAGATE", 1});

    // CONST_SHAPE results stored as TosaShape entries of the block.
    const auto& reshape = firstNode(graph, "tosa.RESHAPE");
    CHECK(roles(reshape) == Strings{"input1", "shape"});
    const auto& shape = input(graph, reshape, 1);
    CHECK(shape.name == "layer-3_shape");
    CHECK(shape.kind == ValueKind::Constant);
    CHECK(shape.typeText() == "shape[4]");
    CHECK(tosa::tosaValuesAsInteger(shape.dtype, shape.data.bytes(), 8) ==
          std::vector<std::int64_t>{3, 3, 32, 1});

    const auto& pool = firstNode(graph, "tosa.AVG_POOL2D");
    CHECK(roles(pool) == Strings{"input", "input_zp", "output_zp"});
    CHECK(std::get<std::vector<std::int64_t>>(attribute(pool, "kernel")) ==
          std::vector<std::int64_t>{7, 7});
    CHECK(std::get<std::vector<std::int64_t>>(
              attribute(firstNode(graph, "tosa.TRANSPOSE"), "perms")) ==
          std::vector<std::int64_t>{0, 2, 3, 1});
}

TEST_CASE("one Ethos-U partition of MobileNetV2 as TOSA") {
    const auto model = open("arm_mv2_ethosu_N_tag277.tosa");
    const auto& graph = model.graphs.at(0);
    const std::map<std::string, std::size_t> expected{
        {"tosa.CLAMP", 2},   {"tosa.CONST", 24},           {"tosa.CONST_SHAPE", 1},
        {"tosa.CONV2D", 2},  {"tosa.DEPTHWISE_CONV2D", 1}, {"tosa.RESCALE", 3},
        {"tosa.RESHAPE", 1}, {"tosa.TRANSPOSE", 2}};
    CHECK(graph.opHistogram() == expected);
    CHECK(graph.values.at(static_cast<std::size_t>(graph.inputs.at(0))).typeText() ==
          "int8[1,32,28,28]");
    const auto& conv = firstNode(graph, "tosa.CONV2D");
    CHECK(input(graph, conv, 1).typeText() == "int8[192,1,1,32]");
}

TEST_CASE("TOSA for SPIR-V max pool keeps its op location") {
    const auto model = open("tosa4spirv_simple_maxpool2d.tosa");
    const auto& graph = model.graphs.at(0);
    REQUIRE(graph.nodes.size() == 1);
    const auto& pool = graph.nodes[0];
    CHECK(pool.op == "tosa.MAX_POOL2D");
    CHECK(pool.location == "loc(unknown)");
    CHECK(std::get<std::vector<std::int64_t>>(attribute(pool, "kernel")) ==
          std::vector<std::int64_t>{2, 2});
    CHECK(std::get<EnumValue>(attribute(pool, "nan_mode")) == EnumValue{"PROPAGATE", 1});
    CHECK(graph.values.at(static_cast<std::size_t>(graph.outputs.at(0))).typeText() ==
          "int8[1,8,8,16]");
}

TEST_CASE("1.1 draft files from the reference model and the serialization library") {
    const auto conv = open("tosaref_conv2d_qi8_from_tflite.tosa");
    CHECK(toString(findAttribute(conv.metadata, "schema")->value) == "1.1");
    CHECK(std::get<bool>(findAttribute(conv.metadata, "draft")->value));
    const auto& graph = conv.graphs.at(0);
    CHECK(graph.opHistogram() == std::map<std::string, std::size_t>{
                                     {"tosa.CONST", 7}, {"tosa.CONV2D", 1}, {"tosa.RESCALE", 1}});
    const auto& rescale = firstNode(graph, "tosa.RESCALE");
    CHECK(std::get<EnumValue>(attribute(rescale, "rounding_mode")) == EnumValue{"DOUBLE_ROUND", 3});
    const auto& outputZp = input(graph, rescale, 4);
    CHECK(outputZp.typeText() == "int8[1]");
    CHECK(tosa::tosaElementAsInteger(outputZp.dtype, outputZp.data.bytes(), 0) == -2);
    CHECK(input(graph, firstNode(graph, "tosa.CONV2D"), 1).typeText() == "int8[16,1,1,8]");

    const auto add = open("tosaser_test_add_1x4x4x4_f32.tosa");
    const auto& addGraph = add.graphs.at(0);
    CHECK(addGraph.opHistogram() == std::map<std::string, std::size_t>{{"tosa.ADD", 1}});
    REQUIRE(addGraph.inputs.size() == 2);
    CHECK(addGraph.values.at(static_cast<std::size_t>(addGraph.inputs[0])).shape ==
          std::vector<std::int64_t>{1, 4, 4, 1});
    CHECK(addGraph.values.at(static_cast<std::size_t>(addGraph.outputs.at(0))).shape ==
          std::vector<std::int64_t>{1, 4, 4, 4});
}

TEST_CASE("damaged TOSA fixtures read or fail cleanly") {
    const auto registry = FormatRegistry::standard();
    for (const auto& path : testing::fixturesIn("tosa", ".tosa")) {
        INFO(path);
        const auto report = testing::damageAndRead(registry, path);
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
        CHECK(report.formatErrors > 0);
    }
}

TEST_CASE("an unsupported TOSA version is named in the error") {
    flatbuffers::FlatBufferBuilder builder;
    std::vector<flatbuffers::Offset<v10::TosaRegion>> regions;
    auto version = v10::CreateVersion(builder, 0, 90, 0, false);
    builder.Finish(v10::CreateTosaGraphDirect(builder, version, &regions), "TOSA");
    try {
        readBuilt(builder);
        FAIL("expected a FormatError");
    } catch (const FormatError& error) {
        CHECK(error.format() == "tosa");
        CHECK_THAT(error.expected(), Catch::Contains("0.90.0"));
    }
}

TEST_CASE("0.80 buffers read through the 0.80 schema") {
    flatbuffers::FlatBufferBuilder builder;
    using v080::DType;
    std::vector<std::int32_t> pad{0, 0, 0, 0}, unit{1, 1};
    auto conv = v080::CreateConvAttributeDirect(builder, &pad, &unit, &unit, -3, 0).Union();
    const auto convIn = names(builder, {"x", "w", "b"});
    const auto convOut = names(builder, {"y"});
    const auto constOut = names(builder, {"w"});
    std::vector ops{v080::CreateTosaOperatorDirect(builder, v080::Op::CONST, v080::Attribute::NONE,
                                                   0, nullptr, &constOut),
                    v080::CreateTosaOperatorDirect(builder, v080::Op::CONV2D,
                                                   v080::Attribute::ConvAttribute, conv, &convIn,
                                                   &convOut)};
    std::vector<std::int32_t> xShape{1, 4, 4, 2}, wShape{3, 1, 1, 2}, bShape{3}, yShape{1, 4, 4, 3};
    std::vector<std::uint8_t> wData{1, 2, 3, 0xFF, 0xFE, 0xFD, 0, 0};
    std::vector<std::uint8_t> bData(16, 0);
    std::vector tensors{
        v080::CreateTosaTensorDirect(builder, "x", &xShape, DType::INT8),
        v080::CreateTosaTensorDirect(builder, "w", &wShape, DType::INT8, &wData),
        v080::CreateTosaTensorDirect(builder, "b", &bShape, DType::INT32, &bData),
        v080::CreateTosaTensorDirect(builder, "y", &yShape, DType::INT32),
    };
    const auto in = names(builder, {"x"});
    const auto out = names(builder, {"y"});
    std::vector blocks{
        v080::CreateTosaBasicBlockDirect(builder, "main", &ops, &tensors, &in, &out)};
    std::vector regions{v080::CreateTosaRegionDirect(builder, "main", &blocks)};
    auto version = v080::CreateVersion(builder, 0, 80, 0, false);
    builder.Finish(v080::CreateTosaGraphDirect(builder, version, &regions), "TOSA");

    const auto model = readBuilt(builder);
    CHECK(model.formatVersion == "0.80.0");
    const auto& graph = model.graphs.at(0);
    CHECK(graph.opHistogram() ==
          std::map<std::string, std::size_t>{{"tosa.CONST", 1}, {"tosa.CONV2D", 1}});
    const auto& node = firstNode(graph, "tosa.CONV2D");
    CHECK(roles(node) == Strings{"input", "weight", "bias"});
    CHECK(std::get<std::int64_t>(attribute(node, "input_zp")) == -3);
    // 0.80 numbers INT8 as 4 and INT32 as 6.
    CHECK(input(graph, node, 0).typeText() == "int8[1,4,4,2]");
    CHECK(input(graph, node, 2).typeText() == "int32[3]");
    const auto& weight = input(graph, node, 1);
    CHECK(weight.kind == ValueKind::Constant);
    CHECK(tosa::tosaValuesAsInteger(weight.dtype, weight.data.bytes(), 6) ==
          std::vector<std::int64_t>{1, 2, 3, -1, -2, -3});
    CHECK(tosa::tosaOpName(tosa::TosaSchema::V0_80, 14) == "ADD");
    CHECK(tosa::tosaOpName(tosa::TosaSchema::V1_0, 14) == "TANH");
}

TEST_CASE("WHILE_LOOP links its regions and SHAPE tensors decode as int64") {
    flatbuffers::FlatBufferBuilder builder;
    buildWhileLoop(builder);
    const auto model = readBuilt(builder);
    REQUIRE(model.graphs.size() == 3);
    CHECK(model.topLevelGraphs() == std::vector<std::size_t>{0});
    const auto& main = model.graphs[0];
    const auto& loop = firstNode(main, "tosa.WHILE_LOOP");
    CHECK(loop.childGraphs == std::vector<std::size_t>{1, 2});
    CHECK(model.graphs[1].id == "cond");
    CHECK(model.graphs[1].parent == std::optional<std::size_t>(0));
    CHECK(model.graphs[2].id == "body");
    CHECK(model.graphs[2].parent == std::optional<std::size_t>(0));
    CHECK(model.graphs[1].opHistogram().count("tosa.GREATER") == 1);

    const auto& shape = valueNamed(main, "s");
    CHECK(shape.kind == ValueKind::Constant);
    CHECK(shape.dtype == DType::Shape);
    CHECK(tosa::tosaValuesAsInteger(shape.dtype, shape.data.bytes(), 8) ==
          std::vector<std::int64_t>{1, 13, 2});
    const auto& variable = valueNamed(main, "v");
    CHECK(std::get<bool>(findAttribute(variable.attributes, "variable")->value));
    CHECK(toString(findAttribute(variable.attributes, "variable_name")->value) == "state");
}

TEST_CASE("a loop body reads a constant and a variable of the enclosing region") {
    using v10::DType;
    flatbuffers::FlatBufferBuilder builder;
    std::vector<flatbuffers::Offset<v10::TosaRegion>> regions;
    {
        auto loop = v10::CreateWhileLoopAttributeDirect(builder, "cond", "body").Union();
        std::vector ops{op10(builder, v10::Op::CONST, {}, {"k"}),
                        op10(builder, v10::Op::WHILE_LOOP, {"x"}, {"y"},
                             v10::Attribute::WhileLoopAttribute, loop)};
        std::vector tensors{tensor10(builder, "x", {1}, DType::INT32),
                            tensor10(builder, "y", {1}, DType::INT32),
                            tensor10(builder, "k", {1}, DType::INT32, {7, 0, 0, 0}),
                            tensor10(builder, "layer_17", {1}, DType::INT32, {}, true)};
        const auto in = names(builder, {"x"});
        const auto out = names(builder, {"y"});
        std::vector blocks{
            v10::CreateTosaBasicBlockDirect(builder, "main", &ops, &tensors, &in, &out)};
        regions.push_back(v10::CreateTosaRegionDirect(builder, "main", &blocks));
    }
    for (const char* name : {"cond", "body"}) {
        const bool isCond = std::string(name) == "cond";
        // Neither "k" nor "layer_17" is declared here: both come from the main region.
        std::vector ops{isCond ? op10(builder, v10::Op::GREATER, {"x", "k"}, {"r"})
                               : op10(builder, v10::Op::ADD, {"x", "layer_17"}, {"r"})};
        std::vector tensors{tensor10(builder, "x", {1}, DType::INT32),
                            tensor10(builder, "r", {1}, isCond ? DType::BOOL : DType::INT32)};
        const auto in = names(builder, {"x"});
        const auto out = names(builder, {"r"});
        std::vector blocks{
            v10::CreateTosaBasicBlockDirect(builder, name, &ops, &tensors, &in, &out)};
        regions.push_back(v10::CreateTosaRegionDirect(builder, name, &blocks));
    }
    auto version = v10::CreateVersion(builder, 1, 0, 0, false);
    builder.Finish(v10::CreateTosaGraphDirect(builder, version, &regions), "TOSA");
    const auto model = readBuilt(builder);
    REQUIRE(model.graphs.size() == 3);
    const auto& constant = valueNamed(model.graphs[1], "k");
    CHECK(constant.kind == ValueKind::Constant);
    CHECK(constant.data.bytes().data() == valueNamed(model.graphs[0], "k").data.bytes().data());
    const auto& variable = valueNamed(model.graphs[2], "layer_17");
    CHECK(std::get<bool>(findAttribute(variable.attributes, "variable")->value));
    CHECK(toString(findAttribute(variable.attributes, "declared in")->value) ==
          "an enclosing region");
}

TEST_CASE("operators sharing one operand list cannot make a small file a huge graph") {
    // 3,000 operator entries point at one operator whose 3,000 inputs name one string.
    using v10::DType;
    flatbuffers::FlatBufferBuilder builder;
    const auto name = builder.CreateString("x");
    const auto inputs = builder.CreateVector(Names(3000, name));
    const auto outputs = builder.CreateVector(Names{name});
    const auto op =
        v10::CreateTosaOperator(builder, v10::Op::ADD, v10::Attribute::NONE, 0, inputs, outputs);
    std::vector ops(3000, op);
    std::vector tensors{tensor10(builder, "x", {1}, DType::INT32)};
    const auto in = names(builder, {"x"});
    const auto out = names(builder, {"x"});
    std::vector blocks{v10::CreateTosaBasicBlockDirect(builder, "main", &ops, &tensors, &in, &out)};
    std::vector regions{v10::CreateTosaRegionDirect(builder, "main", &blocks)};
    auto version = v10::CreateVersion(builder, 1, 0, 0, false);
    builder.Finish(v10::CreateTosaGraphDirect(builder, version, &regions), "TOSA");
    CHECK(builder.GetSize() < 30000);
    CHECK_THROWS_WITH(readBuilt(builder, "shared_operands.tosa"),
                      Catch::Contains("entries pointing at shared objects"));
}

TEST_CASE("draft-stamped files warn, and read fp32 with the pre-final draft numbering") {
    const auto path = fixture("tosa/tosaser_test_add_1x4x4x4_f32.tosa");
    const auto registry = FormatRegistry::standard();
    const auto plain = registry.open(path);
    CHECK(toString(metadata(plain, "warning")).find("--tosa-draft-dtypes pre-final") !=
          std::string::npos);
    CHECK(valueNamed(plain.graphs[0], "TosaInput_1").dtype == DType::Float16);
    ReadOptions options;
    options.tosaPreFinalDraftDTypes = true;
    const auto chosen = registry.open(path, options);
    CHECK_FALSE(findAttribute(chosen.metadata, "warning"));
    CHECK(toString(metadata(chosen, "element type numbering")) == "pre-final draft (chosen)");
    CHECK(valueNamed(chosen.graphs[0], "TosaInput_0").typeText() == "fp32[1,4,4,1]");
    CHECK(valueNamed(chosen.graphs[0], "TosaInput_1").typeText() == "fp32[1,4,4,4]");
    // A final, non-draft file is read the same either way and carries no warning.
    const auto final = registry.open(fixture("tosa/tosa4spirv_simple_maxpool2d.tosa"), options);
    CHECK_FALSE(findAttribute(final.metadata, "warning"));
    CHECK(valueNamed(final.graphs[0], "TosaInput_0").dtype == DType::Int8);
}

TEST_CASE("1.0 COND_IF links its then and else regions") {
    using v10::DType;
    flatbuffers::FlatBufferBuilder builder;
    std::vector<flatbuffers::Offset<v10::TosaRegion>> regions;
    {
        auto branches = v10::CreateCondIfAttributeDirect(builder, "then", "else").Union();
        std::vector ops{op10(builder, v10::Op::COND_IF, {"c", "x"}, {"y"},
                             v10::Attribute::CondIfAttribute, branches)};
        std::vector tensors{tensor10(builder, "c", {1}, DType::BOOL),
                            tensor10(builder, "x", {2}, DType::INT32),
                            tensor10(builder, "y", {2}, DType::INT32)};
        const auto in = names(builder, {"c", "x"});
        const auto out = names(builder, {"y"});
        std::vector blocks{
            v10::CreateTosaBasicBlockDirect(builder, "main", &ops, &tensors, &in, &out)};
        regions.push_back(v10::CreateTosaRegionDirect(builder, "main", &blocks));
    }
    for (const char* name : {"then", "else"}) {
        const bool isThen = std::string(name) == "then";
        std::vector ops{op10(builder, isThen ? v10::Op::ADD : v10::Op::SUB, {"x", "x"}, {"r"})};
        std::vector tensors{tensor10(builder, "x", {2}, DType::INT32),
                            tensor10(builder, "r", {2}, DType::INT32)};
        const auto in = names(builder, {"x"});
        const auto out = names(builder, {"r"});
        std::vector blocks{
            v10::CreateTosaBasicBlockDirect(builder, name, &ops, &tensors, &in, &out)};
        regions.push_back(v10::CreateTosaRegionDirect(builder, name, &blocks));
    }
    auto version = v10::CreateVersion(builder, 1, 0, 0, false);
    builder.Finish(v10::CreateTosaGraphDirect(builder, version, &regions), "TOSA");

    const auto model = readBuilt(builder);
    REQUIRE(model.graphs.size() == 3);
    CHECK(model.topLevelGraphs() == std::vector<std::size_t>{0});
    const auto& cond = firstNode(model.graphs[0], "tosa.COND_IF");
    CHECK(attribute(cond, "then_graph") == AttributeValue{std::string("then")});
    CHECK(attribute(cond, "else_graph") == AttributeValue{std::string("else")});
    CHECK(roles(cond).size() == 2);
    CHECK(input(model.graphs[0], cond, 0).dtype == pteron::DType::Bool);
    REQUIRE(cond.childGraphs == std::vector<std::size_t>{1, 2});
    CHECK(model.graphs[1].id == "then");
    CHECK(model.graphs[1].kind == "region");
    CHECK(model.graphs[1].parent == std::optional<std::size_t>(0));
    CHECK(model.graphs[1].opHistogram() == std::map<std::string, std::size_t>{{"tosa.ADD", 1}});
    CHECK(model.graphs[2].id == "else");
    CHECK(model.graphs[2].opHistogram() == std::map<std::string, std::size_t>{{"tosa.SUB", 1}});
}

TEST_CASE("0.80 COND_IF names blocks of its own region") {
    using v080::DType;
    flatbuffers::FlatBufferBuilder builder;
    const auto op080 = [&](v080::Op op, const Strings& inputs, const Strings& outputs,
                           v080::Attribute type = v080::Attribute::NONE,
                           flatbuffers::Offset<void> value = 0) {
        const auto in = names(builder, inputs);
        const auto out = names(builder, outputs);
        return v080::CreateTosaOperatorDirect(builder, op, type, value, &in, &out);
    };
    const auto tensor080 = [&](const char* name, DType type) {
        const std::vector<std::int32_t> shape{2};
        return v080::CreateTosaTensorDirect(builder, name, &shape, type);
    };
    auto branches = v080::CreateCondIfAttributeDirect(builder, "then_block", "else_block").Union();
    std::vector mainOps{
        op080(v080::Op::COND_IF, {"c", "x"}, {"y"}, v080::Attribute::CondIfAttribute, branches)};
    std::vector mainTensors{tensor080("c", DType::BOOL), tensor080("x", DType::INT8),
                            tensor080("y", DType::INT8)};
    const auto mainIn = names(builder, {"c", "x"});
    const auto mainOut = names(builder, {"y"});
    std::vector blocks{v080::CreateTosaBasicBlockDirect(builder, "main", &mainOps, &mainTensors,
                                                        &mainIn, &mainOut)};
    for (const char* name : {"then_block", "else_block"}) {
        const bool isThen = std::string(name) == "then_block";
        std::vector ops{op080(isThen ? v080::Op::ABS : v080::Op::NEGATE, {"x"}, {"r"})};
        std::vector tensors{tensor080("x", DType::INT8), tensor080("r", DType::INT8)};
        const auto in = names(builder, {"x"});
        const auto out = names(builder, {"r"});
        blocks.push_back(
            v080::CreateTosaBasicBlockDirect(builder, name, &ops, &tensors, &in, &out));
    }
    std::vector regions{v080::CreateTosaRegionDirect(builder, "main", &blocks)};
    auto version = v080::CreateVersion(builder, 0, 80, 0, false);
    builder.Finish(v080::CreateTosaGraphDirect(builder, version, &regions), "TOSA");

    const auto model = readBuilt(builder, "cond_080.tosa");
    CHECK(model.formatVersion.rfind("0.80", 0) == 0);
    REQUIRE(model.graphs.size() == 3);
    const auto& cond = firstNode(model.graphs[0], "tosa.COND_IF");
    CHECK(attribute(cond, "then_branch") == AttributeValue{std::string("then_block")});
    CHECK(attribute(cond, "else_branch") == AttributeValue{std::string("else_block")});
    REQUIRE(cond.childGraphs == std::vector<std::size_t>{1, 2});
    CHECK(model.graphs[1].id == "main/then_block");
    CHECK(model.graphs[1].kind == "block");
    CHECK(model.graphs[1].parent == std::optional<std::size_t>(0));
    CHECK(model.graphs[1].opHistogram() == std::map<std::string, std::size_t>{{"tosa.ABS", 1}});
    CHECK(model.graphs[2].id == "main/else_block");
    CHECK(model.graphs[2].opHistogram() == std::map<std::string, std::size_t>{{"tosa.NEGATE", 1}});
    CHECK(model.graphs[1].values.at(0).dtype == pteron::DType::Int8);
}

TEST_CASE("a TOSABackend payload becomes a delegated child graph") {
    flatbuffers::FlatBufferBuilder builder;
    buildWhileLoop(builder);
    const auto file = finished(builder, "program.pte");
    Model model;
    Graph forward;
    forward.id = "forward";
    model.addGraph(std::move(forward));

    DelegatePayload payload;
    payload.backend = "TOSABackend";
    payload.bytes = ByteView(file, file->bytes());
    payload.file = file->path();
    payload.tablePath = "forward.delegates[0]";
    payload.parentGraph = 0;
    payload.graphId = "forward/TOSABackend#0";
    const auto index = decodeTosaPayload(payload, model);
    REQUIRE(index == 1);
    const auto& child = model.graphs[index];
    CHECK(child.id == "forward/TOSABackend#0");
    CHECK(child.parent == std::optional<std::size_t>(0));
    CHECK(child.kind == "delegate");
    REQUIRE(child.partitions.size() == 1);
    CHECK(child.partitions[0].backend == "TOSABackend");
    CHECK(child.partitions[0].delegated);
    REQUIRE(model.graphs.size() == 4);
    CHECK(model.graphs[2].id == "forward/TOSABackend#0/cond");
    CHECK(model.graphs[2].parent == std::optional<std::size_t>(1));
    CHECK(model.topLevelGraphs() == std::vector<std::size_t>{0});
    CHECK(FormatRegistry::standard().payloadDecoders().find("TOSABackend") != nullptr);
}

TEST_CASE("an operand naming no tensor of its block is a FormatError") {
    flatbuffers::FlatBufferBuilder builder;
    std::vector ops{op10(builder, v10::Op::ADD, {"x", "missing"}, {"x"})};
    std::vector tensors{tensor10(builder, "x", {1}, v10::DType::INT32)};
    std::vector blocks{v10::CreateTosaBasicBlockDirect(builder, "main", &ops, &tensors)};
    std::vector regions{v10::CreateTosaRegionDirect(builder, "main", &blocks)};
    auto version = v10::CreateVersion(builder, 1, 0, 0, false);
    builder.Finish(v10::CreateTosaGraphDirect(builder, version, &regions), "TOSA");
    CHECK_THROWS_AS(readBuilt(builder), FormatError);
}

TEST_CASE("constant decoding of every TOSA element type") {
    using tosa::tosaElementAsDouble;
    using tosa::tosaValuesAsInteger;
    // int4: element 0 in the low nibble; 0x7 = 7, 0x9 = -7, 0xF = -1, 0x8 = -8.
    CHECK(tosaValuesAsInteger(DType::Int4, bytesOf({0x97, 0x8F}), 8) ==
          std::vector<std::int64_t>{7, -7, -1, -8});
    // int48: six little-endian bytes, sign-extended from bit 47.
    CHECK(tosaValuesAsInteger(DType::Int48,
                              bytesOf({0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0, 0, 0, 0, 0x80,
                                       0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}),
                              4) == std::vector<std::int64_t>{-2, -0x7FFFFFFFFFFF, 0x7FFFFFFFFFFF});
    CHECK(tosaValuesAsInteger(DType::Shape, bytesOf({0x0D, 0, 0, 0, 0, 0, 0, 0}), 4) ==
          std::vector<std::int64_t>{13});
    CHECK(tosaValuesAsInteger(DType::UInt16, bytesOf({0xFF, 0xFF}), 1) ==
          std::vector<std::int64_t>{65535});
    CHECK(tosaValuesAsInteger(DType::Int16, bytesOf({0xFF, 0xFF}), 1) ==
          std::vector<std::int64_t>{-1});
    CHECK(tosaValuesAsInteger(DType::Bool, bytesOf({0, 1}), 2) == std::vector<std::int64_t>{0, 1});
    CHECK(tosaElementAsDouble(DType::Float16, bytesOf({0x00, 0x3C}), 0) == 1.0);
    CHECK(tosaElementAsDouble(DType::Float16, bytesOf({0x01, 0x00}), 0) == std::ldexp(1.0, -24));
    CHECK(tosaElementAsDouble(DType::Float16, bytesOf({0x00, 0xC0}), 0) == -2.0);
    CHECK(std::isinf(*tosaElementAsDouble(DType::Float16, bytesOf({0x00, 0x7C}), 0)));
    CHECK(tosaElementAsDouble(DType::BFloat16, bytesOf({0xC0, 0x3F}), 0) == 1.5);
    CHECK(tosaElementAsDouble(DType::Float32, bytesOf({0x00, 0x00, 0x80, 0xBF}), 0) == -1.0);
    // e4m3 (fn): 0x38 = 1.0, 0x7E = 448 (largest), 0x7F NaN, 0x01 = 2^-9.
    CHECK(tosaElementAsDouble(DType::Float8E4M3FN, bytesOf({0x38}), 0) == 1.0);
    CHECK(tosaElementAsDouble(DType::Float8E4M3FN, bytesOf({0x7E}), 0) == 448.0);
    CHECK(std::isnan(*tosaElementAsDouble(DType::Float8E4M3FN, bytesOf({0x7F}), 0)));
    CHECK(tosaElementAsDouble(DType::Float8E4M3FN, bytesOf({0x01}), 0) == std::ldexp(1.0, -9));
    // e5m2: 0x3C = 1.0, 0x7B = 57344, 0x7C inf, 0xC0 = -2.
    CHECK(tosaElementAsDouble(DType::Float8E5M2, bytesOf({0x3C}), 0) == 1.0);
    CHECK(tosaElementAsDouble(DType::Float8E5M2, bytesOf({0x7B}), 0) == 57344.0);
    CHECK(std::isinf(*tosaElementAsDouble(DType::Float8E5M2, bytesOf({0x7C}), 0)));
    CHECK(tosaElementAsDouble(DType::Float8E5M2, bytesOf({0xC0}), 0) == -2.0);
    // Reads stop where the bytes end.
    CHECK_FALSE(tosaElementAsDouble(DType::Int32, bytesOf({1, 2, 3}), 0).has_value());
    CHECK(tosaValuesAsInteger(DType::Int32, bytesOf({1, 0, 0, 0, 2}), 10).size() == 1);
}

TEST_CASE("TOSA 1.1 microscaling element types") {
    namespace v11 = pteron::fb::tosa_v1_1;
    flatbuffers::FlatBufferBuilder builder;
    struct Case {
        const char* name;
        v11::DType type;
        std::vector<std::uint8_t> data;
    };
    const std::vector<Case> cases{
        {"fp6e2m3", v11::DType::FP6E2M3, {}},
        {"fp6e3m2", v11::DType::FP6E3M2, {}},
        {"fp4e2m1", v11::DType::FP4E2M1, {}},
        // Block scales: 127 = 2^0, 130 = 2^3, 0 = 2^-127, 0xFF = NaN.
        {"fp8ue8m0", v11::DType::FP8UE8M0, {127, 130, 0, 0xFF, 0, 0, 0, 0}},
        // MXINT8 elements: 64 = 1.0, -128 = -2.0, 1 = 2^-6.
        {"mxint8", v11::DType::MXINT8, {64, 0x80, 1, 0, 0, 0, 0, 0}},
    };
    std::vector<flatbuffers::Offset<v11::TosaTensor>> tensors;
    std::vector<flatbuffers::Offset<v11::TosaOperator>> ops;
    for (const auto& c : cases) {
        const std::vector<std::int32_t> shape{c.data.empty() ? 2 : 3};
        tensors.push_back(v11::CreateTosaTensorDirect(builder, c.name, &shape, c.type,
                                                      c.data.empty() ? nullptr : &c.data));
        const auto out = names(builder, {c.name});
        const std::vector<flatbuffers::Offset<flatbuffers::String>> in;
        ops.push_back(v11::CreateTosaOperatorDirect(builder, v11::Op::CONST, v11::Attribute::NONE,
                                                    0, &in, &out));
    }
    const auto outputs = names(builder, {"mxint8"});
    std::vector blocks{
        v11::CreateTosaBasicBlockDirect(builder, "main", &ops, &tensors, nullptr, &outputs)};
    std::vector regions{v11::CreateTosaRegionDirect(builder, "main", &blocks)};
    auto version = v11::CreateVersion(builder, 1, 1, 0, true);
    builder.Finish(v11::CreateTosaGraphDirect(builder, version, &regions), "TOSA");

    const auto model = readBuilt(builder, "mx.tosa");
    CHECK(model.formatVersion.rfind("1.1", 0) == 0);
    const auto& graph = model.graphs.at(0);
    const std::vector<std::pair<std::string, DType>> expected{{"fp6e2m3", DType::Float6E2M3},
                                                              {"fp6e3m2", DType::Float6E3M2},
                                                              {"fp4e2m1", DType::Float4E2M1},
                                                              {"fp8ue8m0", DType::Float8E8M0},
                                                              {"mxint8", DType::MXInt8}};
    for (const auto& [name, dtype] : expected) {
        INFO(name);
        const auto& value = valueNamed(graph, name);
        CHECK(value.dtype == dtype);
        CHECK(dtypeName(dtype) == name);
        CHECK(value.typeText().rfind(name, 0) == 0);
    }
    CHECK(dtypeBits(DType::Float6E2M3) == 6);
    CHECK(dtypeBits(DType::Float6E3M2) == 6);
    CHECK(dtypeBits(DType::Float4E2M1) == 4);
    CHECK(dtypeBits(DType::Float8E8M0) == 8);
    CHECK(dtypeBits(DType::MXInt8) == 8);
    CHECK(isFloatingPoint(DType::Float4E2M1));
    CHECK_FALSE(isFloatingPoint(DType::MXInt8));

    const auto& scales = valueNamed(graph, "fp8ue8m0");
    CHECK(scales.kind == ValueKind::Constant);
    const auto scaleValues = tosa::tosaValuesAsDouble(DType::Float8E8M0, scales.data.bytes(), 3);
    CHECK(scaleValues == std::vector<double>{1.0, 8.0, std::ldexp(1.0, -127)});
    CHECK(std::isnan(*tosa::tosaElementAsDouble(DType::Float8E8M0, scales.data.bytes(), 3)));
    const auto& elements = valueNamed(graph, "mxint8");
    CHECK(tosa::tosaValuesAsDouble(DType::MXInt8, elements.data.bytes(), 3) ==
          std::vector<double>{1.0, -2.0, std::ldexp(1.0, -6)});
    // The notes do not specify how FP6/FP4 elements are packed, so they are not decoded.
    CHECK_FALSE(tosa::tosaElementAsDouble(DType::Float4E2M1, bytesOf({0x21}), 0).has_value());
    CHECK_FALSE(tosa::tosaElementAsDouble(DType::Float6E2M3, bytesOf({0x21}), 0).has_value());
}
