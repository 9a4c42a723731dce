#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <onnx/onnx_pb.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>

using namespace pteron;

namespace {

const std::vector<float> kWeights = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, -4, -5, -6, -7, -8, -9};

std::string floatBytes(const std::vector<float>& values) {
    std::string bytes(values.size() * sizeof(float), '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

void setTensorType(::onnx::ValueInfoProto& info, const std::string& name, int elemType,
                   const std::vector<std::variant<std::int64_t, std::string>>& dims) {
    info.set_name(name);
    auto* tensor = info.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(elemType);
    auto* shape = tensor->mutable_shape();
    for (const auto& dim : dims) {
        auto* entry = shape->add_dim();
        if (const auto* value = std::get_if<std::int64_t>(&dim))
            entry->set_dim_value(*value);
        else
            entry->set_dim_param(std::get<std::string>(dim));
    }
}

::onnx::NodeProto& addNode(::onnx::GraphProto& graph, const std::string& op,
                           std::vector<std::string> inputs, std::vector<std::string> outputs,
                           const std::string& name = {}) {
    auto* node = graph.add_node();
    node->set_op_type(op);
    node->set_name(name);
    for (const auto& input : inputs)
        node->add_input(input);
    for (const auto& output : outputs)
        node->add_output(output);
    return *node;
}

void addInts(::onnx::NodeProto& node, const std::string& name, std::vector<std::int64_t> values) {
    auto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(::onnx::AttributeProto::INTS);
    for (auto value : values)
        attribute->add_ints(value);
}

::onnx::ModelProto baseModel() {
    ::onnx::ModelProto model;
    model.set_ir_version(8);
    model.set_producer_name("pteron-tests");
    model.set_producer_version("1.0");
    auto* opset = model.add_opset_import();
    opset->set_version(13);
    auto* microsoft = model.add_opset_import();
    microsoft->set_domain("com.microsoft");
    microsoft->set_version(1);
    model.mutable_graph()->set_name("main");
    return model;
}

// Conv (raw_data weights, float_data bias) -> Relu -> com.microsoft QuickGelu.
::onnx::ModelProto convReluModel() {
    auto model = baseModel();
    auto& graph = *model.mutable_graph();
    setTensorType(*graph.add_input(), "x", ::onnx::TensorProto::FLOAT, {std::string("N"), 1, 5, 5});
    setTensorType(*graph.add_output(), "y", ::onnx::TensorProto::FLOAT,
                  {std::string("N"), 2, 3, 3});
    setTensorType(*graph.add_value_info(), "conv_out", ::onnx::TensorProto::FLOAT,
                  {std::string("N"), 2, 3, 3});
    auto* weight = graph.add_initializer();
    weight->set_name("W");
    weight->set_data_type(::onnx::TensorProto::FLOAT);
    for (auto dim : {2, 1, 3, 3})
        weight->add_dims(dim);
    weight->set_raw_data(floatBytes(kWeights));
    auto* bias = graph.add_initializer();
    bias->set_name("B");
    bias->set_data_type(::onnx::TensorProto::FLOAT);
    bias->add_dims(2);
    bias->add_float_data(0.5f);
    bias->add_float_data(-1.0f);
    auto& conv = addNode(graph, "Conv", {"x", "W", "B"}, {"conv_out"}, "conv0");
    addInts(conv, "kernel_shape", {3, 3});
    addInts(conv, "pads", {0, 0, 0, 0});
    auto* autoPad = conv.add_attribute();
    autoPad->set_name("auto_pad");
    autoPad->set_type(::onnx::AttributeProto::STRING);
    autoPad->set_s("NOTSET");
    addNode(graph, "Relu", {"conv_out"}, {"relu_out"}, "relu0");
    auto& gelu = addNode(graph, "QuickGelu", {"relu_out"}, {"y"}, "gelu0");
    gelu.set_domain("com.microsoft");
    auto* alpha = gelu.add_attribute();
    alpha->set_name("alpha");
    alpha->set_type(::onnx::AttributeProto::FLOAT);
    alpha->set_f(1.702f);
    return model;
}

// If(cond) then: x + C (C a subgraph initializer) else: Identity(x).
::onnx::ModelProto ifModel() {
    auto model = baseModel();
    auto& graph = *model.mutable_graph();
    setTensorType(*graph.add_input(), "cond", ::onnx::TensorProto::BOOL, {});
    setTensorType(*graph.add_input(), "x", ::onnx::TensorProto::FLOAT, {4});
    setTensorType(*graph.add_output(), "y", ::onnx::TensorProto::FLOAT, {4});
    auto& node = addNode(graph, "If", {"cond"}, {"y"}, "branch");

    auto* thenAttribute = node.add_attribute();
    thenAttribute->set_name("then_branch");
    thenAttribute->set_type(::onnx::AttributeProto::GRAPH);
    auto* thenGraph = thenAttribute->mutable_g();
    thenGraph->set_name("then");
    auto* constant = thenGraph->add_initializer();
    constant->set_name("C");
    constant->set_data_type(::onnx::TensorProto::FLOAT);
    constant->add_dims(4);
    constant->set_raw_data(floatBytes({10, 20, 30, 40}));
    addNode(*thenGraph, "Add", {"x", "C"}, {"then_y"});
    setTensorType(*thenGraph->add_output(), "then_y", ::onnx::TensorProto::FLOAT, {4});

    auto* elseAttribute = node.add_attribute();
    elseAttribute->set_name("else_branch");
    elseAttribute->set_type(::onnx::AttributeProto::GRAPH);
    auto* elseGraph = elseAttribute->mutable_g();
    elseGraph->set_name("else");
    addNode(*elseGraph, "Identity", {"x"}, {"else_y"});
    setTensorType(*elseGraph->add_output(), "else_y", ::onnx::TensorProto::FLOAT, {4});
    return model;
}

std::string save(const ::onnx::ModelProto& model, const std::string& name) {
    const auto path = (testing::madeDir() / name).string();
    std::ofstream out(path, std::ios::binary);
    REQUIRE(model.SerializeToOstream(&out));
    return path;
}

const Graph& graphWithId(const Model& model, const std::string& id) {
    const auto* graph = model.findGraph(id);
    INFO(id);
    REQUIRE(graph != nullptr);
    return *graph;
}

const Value& valueNamed(const Graph& graph, const std::string& name) {
    for (const auto& value : graph.values)
        if (value.name == name) return value;
    FAIL("no value " << name);
    throw std::logic_error("unreachable");
}

std::string attributeText(const Attributes& attributes, const std::string& name) {
    const auto* attribute = findAttribute(attributes, name);
    return attribute ? toString(attribute->value) : "<missing>";
}

std::vector<float> floatsOf(const ByteView& view) {
    std::vector<float> values(view.size() / sizeof(float));
    std::memcpy(values.data(), view.bytes().data(), values.size() * sizeof(float));
    return values;
}

} // namespace

TEST_CASE("an ONNX Conv/Relu graph reads into one graph with viewed weights") {
    const auto path = save(convReluModel(), "conv_relu.onnx");
    const auto model = FormatRegistry::standard().open(path);
    CHECK(model.format == "onnx");
    CHECK(model.formatVersion == "IR 8");
    CHECK(attributeText(model.metadata, "producer") == "pteron-tests");
    CHECK(attributeText(model.metadata, "opset ai.onnx") == "13");
    CHECK(attributeText(model.metadata, "opset com.microsoft") == "1");
    CHECK(attributeText(model.metadata, "decoded constant tensors") == "1"); // the float_data bias
    REQUIRE(model.graphs.size() == 1);

    const auto& graph = model.graphs[0];
    CHECK(graph.id == "main");
    REQUIRE(graph.nodes.size() == 3);
    CHECK(graph.nodes[0].op == "onnx.Conv");
    CHECK(graph.nodes[0].name == "conv0");
    CHECK(attributeText(graph.nodes[0].attributes, "kernel_shape") == "[3, 3]");
    CHECK(attributeText(graph.nodes[0].attributes, "auto_pad") == "NOTSET");
    CHECK(graph.nodes[1].op == "onnx.Relu");
    CHECK(graph.nodes[2].op == "onnx.com.microsoft.QuickGelu");
    CHECK(attributeText(graph.nodes[2].attributes, "domain") == "com.microsoft");
    CHECK(std::get<double>(findAttribute(graph.nodes[2].attributes, "alpha")->value) ==
          Approx(1.702));
    for (const auto& node : graph.nodes)
        CHECK(graph.partitions.at(node.partition).backend == "onnx");

    const auto& x = valueNamed(graph, "x");
    CHECK(x.kind == ValueKind::Input);
    CHECK(x.shape == std::vector<std::int64_t>{-1, 1, 5, 5});
    CHECK(x.dynamism == ShapeDynamism::DynamicUnbound);
    CHECK(attributeText(x.attributes, "symbolic dims") == "[N, , , ]");
    CHECK(graph.inputs.size() == 1);

    const auto& weight = valueNamed(graph, "W");
    CHECK(weight.kind == ValueKind::Constant);
    CHECK(weight.dtype == DType::Float32);
    CHECK(weight.shape == std::vector<std::int64_t>{2, 1, 3, 3});
    REQUIRE(weight.data.size() == 72);
    CHECK(weight.data.owner() ==
          model.files.front().get()); // a view into the model file, not a copy
    CHECK(floatsOf(weight.data) == kWeights);

    const auto& bias = valueNamed(graph, "B");
    CHECK(floatsOf(bias.data) == std::vector<float>{0.5f, -1.0f});

    const auto& conv = graph.nodes[0];
    REQUIRE(conv.inputs.size() == 3);
    CHECK(graph.value(conv.inputs[1].value)->name == "W");
    CHECK(valueNamed(graph, "conv_out").shape == std::vector<std::int64_t>{-1, 2, 3, 3});
    CHECK(valueNamed(graph, "y").kind == ValueKind::Output);
    CHECK(valueNamed(graph, "relu_out").kind == ValueKind::Intermediate);
}

TEST_CASE("ONNX If bodies become child graphs") {
    const auto path = save(ifModel(), "if_branches.onnx");
    const auto model = FormatRegistry::standard().open(path);
    REQUIRE(model.graphs.size() == 3);
    const auto& main = graphWithId(model, "main");
    REQUIRE(main.nodes.size() == 1);
    const auto& branch = main.nodes[0];
    CHECK(branch.op == "onnx.If");
    REQUIRE(branch.childGraphs.size() == 2);
    CHECK(attributeText(branch.attributes, "then_branch") == "graph main/branch.then_branch");

    const auto& thenGraph = graphWithId(model, "main/branch.then_branch");
    CHECK(thenGraph.kind == "region");
    CHECK(thenGraph.name == "then");
    CHECK(thenGraph.parent == std::optional<std::size_t>(0));
    CHECK(&model.graphs[branch.childGraphs[0]] == &thenGraph);
    REQUIRE(thenGraph.nodes.size() == 1);
    CHECK(thenGraph.nodes[0].op == "onnx.Add");
    const auto& constant = valueNamed(thenGraph, "C");
    CHECK(constant.data.owner() == model.files.front().get());
    CHECK(floatsOf(constant.data) == std::vector<float>{10, 20, 30, 40});
    CHECK(attributeText(valueNamed(thenGraph, "x").attributes, "outer scope") == "true");

    const auto& elseGraph = graphWithId(model, "main/branch.else_branch");
    CHECK(elseGraph.nodes.at(0).op == "onnx.Identity");
    CHECK(elseGraph.outputs.size() == 1);
    CHECK(valueNamed(main, "cond").dtype == DType::Bool);
    CHECK(valueNamed(main, "cond").hasShape);
    CHECK(valueNamed(main, "cond").shape.empty());
}

TEST_CASE("ONNX external data is mapped from the file beside the model") {
    const auto dir = testing::madeDir();
    {
        std::ofstream data(dir / "ext_weights.bin", std::ios::binary);
        const std::string padding(8, '\xee');
        data << padding << floatBytes({1.5f, 2.5f, 3.5f, 4.5f});
    }
    auto model = baseModel();
    auto& graph = *model.mutable_graph();
    setTensorType(*graph.add_input(), "x", ::onnx::TensorProto::FLOAT, {4});
    setTensorType(*graph.add_output(), "y", ::onnx::TensorProto::FLOAT, {4});
    auto* weight = graph.add_initializer();
    weight->set_name("E");
    weight->set_data_type(::onnx::TensorProto::FLOAT);
    weight->add_dims(4);
    weight->set_data_location(::onnx::TensorProto::EXTERNAL);
    auto addEntry = [&](const std::string& key, const std::string& value) {
        auto* entry = weight->add_external_data();
        entry->set_key(key);
        entry->set_value(value);
    };
    addEntry("location", "ext_weights.bin");
    addEntry("offset", "8");
    addEntry("length", "16");
    addNode(graph, "Mul", {"x", "E"}, {"y"});

    const auto read = FormatRegistry::standard().open(save(model, "external.onnx"));
    const auto& value = valueNamed(read.graphs.at(0), "E");
    REQUIRE(value.data.size() == 16);
    CHECK(value.data.fileOffset() == 8);
    CHECK(value.data.owner()->path().ends_with("ext_weights.bin"));
    CHECK(floatsOf(value.data) == std::vector<float>{1.5f, 2.5f, 3.5f, 4.5f});
    CHECK(attributeText(value.attributes, "external location") == "ext_weights.bin");

    weight->mutable_external_data(1)->set_value("16"); // 16 + 16 runs past the 24-byte file
    CHECK_THROWS_AS(FormatRegistry::standard().open(save(model, "external_past_end.onnx")),
                    FormatError);
    weight->mutable_external_data(1)->set_value("8");
    weight->mutable_external_data(0)->set_value("../ext_weights.bin");
    CHECK_THROWS_AS(FormatRegistry::standard().open(save(model, "external_escape.onnx")),
                    FormatError);
}

TEST_CASE("ONNX models are recognised without their extension, and garbage is refused") {
    const std::string bytes = convReluModel().SerializeAsString();
    const auto file =
        MappedFile::fromBytes("model.bin", std::as_bytes(std::span(bytes.data(), bytes.size())));
    CHECK(FormatRegistry::standard().read(file).format == "onnx");

    const std::string garbage = "\x0a\xff\xff\xff\xff\x0f not a model";
    const auto bad =
        MappedFile::fromBytes("bad.onnx", std::as_bytes(std::span(garbage.data(), garbage.size())));
    try {
        FormatRegistry::standard().read(bad);
        FAIL("no error");
    } catch (const FormatError& error) {
        CHECK(error.format() == "onnx");
    }
}

TEST_CASE("damaged ONNX models read or fail cleanly") {
    for (const auto& name : {std::string("conv_relu.onnx"), std::string("if_branches.onnx")}) {
        const auto path = save(name == "conv_relu.onnx" ? convReluModel() : ifModel(), name);
        const auto report = testing::damageAndRead(FormatRegistry::standard(), path);
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
        CHECK(report.formatErrors > 0);
    }
}
