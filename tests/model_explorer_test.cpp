#include "adapters/model_explorer/constant_text.hpp"
#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "adapters/model_explorer/node_data_overlay.hpp"
#include "adapters/model_explorer/sync_mapping.hpp"
#include "adapters/palette/backend_palette.hpp"
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/json_schema.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace pteron;
using nlohmann::json;
using testing::fixture;

namespace {

Model open(const std::string& relative) {
    return FormatRegistry::standard().open(fixture(relative));
}

json exportModel(const Model& model, std::size_t maxConstantElements = 16) {
    return ModelExplorerWriter(BackendPalette::builtIn(), {maxConstantElements}).collection(model);
}

const json& graphWithId(const json& collection, const std::string& id) {
    for (const auto& graph : collection["graphs"])
        if (graph["id"] == id) return graph;
    FAIL("no graph " << id);
    throw std::logic_error("unreachable");
}

const json& nodeWithId(const json& graph, const std::string& id) {
    for (const auto& node : graph["nodes"])
        if (node["id"] == id) return node;
    FAIL("no node " << id << " in " << graph["id"]);
    throw std::logic_error("unreachable");
}

std::string attr(const json& attrs, const std::string& key) {
    for (const auto& attribute : attrs)
        if (attribute["key"] == key) return attribute["value"].get<std::string>();
    return {};
}

std::string portAttr(const json& node, const char* list, const std::string& port,
                     const std::string& key) {
    if (!node.contains(list)) return {};
    for (const auto& metadata : node[list])
        if (metadata["id"] == port) return attr(metadata["attrs"], key);
    return {};
}

// Ids unique per graph, every edge source present, output ports present, subgraphs resolve.
std::vector<std::string> referenceProblems(const json& collection) {
    std::vector<std::string> problems;
    std::set<std::string> graphIds;
    for (const auto& graph : collection["graphs"])
        graphIds.insert(graph["id"].get<std::string>());
    for (const auto& graph : collection["graphs"]) {
        std::map<std::string, const json*> nodes;
        for (const auto& node : graph["nodes"])
            if (!nodes.emplace(node["id"].get<std::string>(), &node).second)
                problems.push_back("duplicate node id " + node["id"].get<std::string>());
        for (const auto& node : graph["nodes"]) {
            for (const auto& sub : node.value("subgraphIds", json::array()))
                if (!graphIds.count(sub.get<std::string>()))
                    problems.push_back("unresolved subgraph " + sub.get<std::string>());
            for (const auto& edge : node.value("incomingEdges", json::array())) {
                auto source = nodes.find(edge["sourceNodeId"].get<std::string>());
                if (source == nodes.end()) {
                    problems.push_back("edge from missing node " +
                                       edge["sourceNodeId"].get<std::string>());
                    continue;
                }
                bool portFound = false;
                for (const auto& port : source->second->value("outputsMetadata", json::array()))
                    portFound = portFound || port["id"] == edge["sourceNodeOutputId"];
                if (!portFound)
                    problems.push_back("edge from missing output port of " + source->first);
            }
        }
    }
    return problems;
}

std::vector<std::string> allFixtureFiles() {
    std::vector<std::string> files;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(testing::fixturesDir())) {
        if (!entry.is_regular_file()) continue;
        const auto name = entry.path().filename().string();
        if (name == "MANIFEST.md" || name == "SHA256SUMS") continue;
        files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

Value constantOf(DType dtype, std::vector<std::int64_t> shape,
                 const std::vector<std::uint8_t>& bytes) {
    Value value;
    value.kind = ValueKind::Constant;
    value.dtype = dtype;
    value.shape = std::move(shape);
    value.hasShape = true;
    std::vector<std::byte> raw(bytes.size());
    std::memcpy(raw.data(), bytes.data(), bytes.size());
    auto file = MappedFile::fromBytes("constant", raw);
    value.data = ByteView(file, file->bytes());
    return value;
}

} // namespace

TEST_CASE("the schema validator rejects what the schema forbids") {
    const auto schema =
        testing::JsonSchema::fromFile(PTERON_TEST_SCHEMAS "/model_explorer_graph.schema.json");
    CHECK(schema.validate(json{{"label", "x"}, {"graphs", json::array()}}).empty());
    CHECK_FALSE(schema.validate(json{{"graphs", json::array()}})
                    .empty()); // the UI rejects a bare graphs list
    const json badNode{{"label", "x"},
                       {"graphs",
                        {{{"id", "g"},
                          {"nodes",
                           {{{"id", "a"},
                             {"label", "op"},
                             {"namespace", ""},
                             {"attrs", {{{"key", "k"}, {"value", 3}}}}}}}}}}};
    CHECK(schema.validate(badNode).size() == 1);
    const json sorted{{"label", "x"}, {"graphs", json::array()}, {"graphSorting", "by_magic"}};
    CHECK_FALSE(schema.validate(sorted).empty());
}

TEST_CASE("every fixture that opens exports a valid Model Explorer collection") {
    const auto schema =
        testing::JsonSchema::fromFile(PTERON_TEST_SCHEMAS "/model_explorer_graph.schema.json");
    const auto registry = FormatRegistry::standard();
    std::size_t exported = 0;
    for (const auto& path : allFixtureFiles()) {
        Model model;
        try {
            model = registry.open(path);
        } catch (const FormatError&) {
            continue; // not a format with a reader yet, or a deliberately broken file
        }
        INFO(path);
        const auto collection = exportModel(model);
        const auto errors = schema.validate(collection);
        CHECK(errors.empty());
        if (!errors.empty()) INFO(errors.front());
        CHECK(referenceProblems(collection).empty());
        CHECK(collection["graphs"].size() == model.graphs.size());
        ++exported;
    }
    CHECK(exported >= 19); // at least every readable .pte fixture
}

TEST_CASE("MobileNetV2 on Ethos-U: quantize, delegate call and dequantize are wired in order") {
    const auto model = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto collection = exportModel(model);
    CHECK(collection["label"] == "arm_mv2_ethosu55_128_int8.pte");
    const auto& forward = graphWithId(collection, "forward");

    const auto& quantize = nodeWithId(forward, "g0.n0");
    const auto& delegate = nodeWithId(forward, "g0.n1");
    const auto& dequantize = nodeWithId(forward, "g0.n2");
    CHECK(quantize["label"] == "cortex_m::quantize_per_tensor.out");
    CHECK(delegate["label"] == "EthosUBackend");
    CHECK(dequantize["label"] == "cortex_m::dequantize_per_tensor.out");

    const json fromInput{
        {"sourceNodeId", "g0.in0"}, {"sourceNodeOutputId", "0"}, {"targetNodeInputId", "0"}};
    CHECK(quantize["incomingEdges"] == json::array({fromInput}));
    const json fromQuantize{
        {"sourceNodeId", "g0.n0"}, {"sourceNodeOutputId", "0"}, {"targetNodeInputId", "0"}};
    CHECK(delegate["incomingEdges"] == json::array({fromQuantize}));
    const json fromDelegate{
        {"sourceNodeId", "g0.n1"}, {"sourceNodeOutputId", "0"}, {"targetNodeInputId", "0"}};
    CHECK(dequantize["incomingEdges"] == json::array({fromDelegate}));
    const auto& output = nodeWithId(forward, "g0.out0");
    CHECK(output["incomingEdges"][0]["sourceNodeId"] == "g0.n2");

    CHECK(portAttr(nodeWithId(forward, "g0.in0"), "outputsMetadata", "0", "tensor_shape") ==
          "fp32[1,3,224,224]");
    CHECK(portAttr(quantize, "outputsMetadata", "0", "tensor_shape") == "int8[1,3,224,224]");
    CHECK(portAttr(delegate, "outputsMetadata", "0", "tensor_shape") == "int8[1,1000]");
    CHECK(portAttr(dequantize, "outputsMetadata", "0", "tensor_shape") == "fp32[1,1000]");
    CHECK(attr(quantize["attrs"], "arg2") == "-15");

    CHECK(delegate["namespace"] == "EthosUBackend#0");
    CHECK(quantize["namespace"] == "");
    CHECK(delegate["style"]["backgroundColor"] ==
          BackendPalette::builtIn().color("EthosUBackend", "NPU"));
    CHECK(delegate["subgraphIds"] == json::array({"forward/EthosUBackend#0"}));
    const auto& group = forward["groupNodeAttributes"]["EthosUBackend#0"];
    CHECK(group["backend"] == "EthosUBackend");
    CHECK(group["target"] == "ethos-u55-128");
    CHECK(group["payload_bytes"] == "3379376");
    CHECK(group["spec.tosa_spec"] == "TOSA-1.0+INT+int16+u55");

    // The delegate's payload decodes into the NPU command stream: 984 operations.
    const auto& npu = graphWithId(collection, "forward/EthosUBackend#0");
    std::map<std::string, std::size_t> labels;
    for (const auto& node : npu["nodes"])
        ++labels[node["label"].get<std::string>()];
    CHECK(labels["ethosu.CONV"] == 158);
    CHECK(labels["ethosu.DEPTHWISE"] == 32);
    CHECK(labels["ethosu.POOL"] == 226);
    CHECK(labels["ethosu.STOP"] == 1);
}

TEST_CASE("Cortex-M keyword spotting: each incoming edge comes from the producer of that input") {
    const auto model = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto collection = exportModel(model);
    const auto& forward = graphWithId(collection, "forward");
    std::map<std::string, const json*> byId;
    for (const auto& node : forward["nodes"])
        byId[node["id"].get<std::string>()] = &node;

    std::size_t checked = 0;
    for (const auto& node : forward["nodes"]) {
        for (const auto& edge : node.value("incomingEdges", json::array())) {
            const auto& source = *byId.at(edge["sourceNodeId"].get<std::string>());
            const auto producedName =
                portAttr(source, "outputsMetadata", edge["sourceNodeOutputId"].get<std::string>(),
                         "tensor_name");
            const auto consumedName =
                portAttr(node, "inputsMetadata", edge["targetNodeInputId"].get<std::string>(),
                         "tensor_name");
            INFO(node["id"] << " <- " << source["id"]);
            CHECK(producedName == consumedName);
            CHECK_FALSE(producedName.empty());
            ++checked;
        }
    }
    CHECK(checked > 16);

    // #1 depthwise conv: activation from the quantize node, weights %39 from a constant node.
    const auto& conv = nodeWithId(forward, "g0.n1");
    CHECK(conv["label"] == "cortex_m::quantized_depthwise_conv2d.out");
    REQUIRE(conv["incomingEdges"].size() == 6);
    CHECK(conv["incomingEdges"][0]["sourceNodeId"] == "g0.n0");
    CHECK(conv["incomingEdges"][1]["sourceNodeId"] == "g0.c39");
    const auto& weights = nodeWithId(forward, "g0.c39");
    CHECK(weights["label"] == "Constant");
    CHECK(portAttr(weights, "outputsMetadata", "0", "tensor_shape") == "int8[1,10,4,64]");
    CHECK(attr(weights["attrs"], "__value").find("… (2560 elements)]") != std::string::npos);
    // #2 clone reads the conv output.
    CHECK(nodeWithId(forward, "g0.n2")["incomingEdges"][0]["sourceNodeId"] == "g0.n1");
    CHECK(nodeWithId(forward, "g0.out0")["incomingEdges"][0]["sourceNodeId"] == "g0.n15");
}

TEST_CASE("constant text decodes bytes and agrees with the file") {
    const auto model = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto& graph = model.graphs.front();
    const auto* bias = graph.value(40); // int32[64] bias of the first depthwise conv
    REQUIRE(bias != nullptr);
    REQUIRE(bias->dtype == DType::Int32);
    std::ifstream file(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte"), std::ios::binary);
    file.seekg(static_cast<std::streamoff>(bias->data.fileOffset()));
    std::int32_t first = 0, second = 0;
    file.read(reinterpret_cast<char*>(&first), 4);
    file.read(reinterpret_cast<char*>(&second), 4);
    REQUIRE(file);
    CHECK(constantText(*bias, 2) ==
          "[" + std::to_string(first) + ", " + std::to_string(second) + ", … (64 elements)]");
    CHECK_FALSE(constantText(*bias, 0));
}

TEST_CASE("TOSA CONST nodes show their data as __value") {
    const auto model = open("tosa/tosaref_conv2d_qi8_from_tflite.tosa");
    const auto collection = exportModel(model, 4);
    const auto& graph = collection["graphs"][0];
    const auto& first = nodeWithId(graph, "g0.n0");
    CHECK(first["label"] == "tosa.CONST");
    // 16 bytes of 0x28 sit at file offset 928; the int32 constant starts at offset 808.
    CHECK(attr(first["attrs"], "__value") == "[40, 40, 40, 40, … (16 elements)]");
    CHECK(attr(nodeWithId(graph, "g0.n1")["attrs"], "__value") ==
          "[1767972394, 1703172350, 1765917874, 1587402402, … (16 elements)]");
    CHECK(attr(nodeWithId(graph, "g0.n7")["attrs"], "__value").empty()); // CONV2D makes no constant
}

TEST_CASE("constant text decodes every common dtype") {
    CHECK(constantText(constantOf(DType::Float32, {2}, {0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}), 16) ==
          "[1, -2]");
    CHECK(constantText(constantOf(DType::Float16, {2}, {0x00, 0x3c, 0x00, 0xb8}), 16) ==
          "[1, -0.5]");
    CHECK(constantText(constantOf(DType::BFloat16, {1}, {0x80, 0x3f}), 16) == "[1]");
    CHECK(constantText(constantOf(DType::Int8, {3}, {0xff, 0x7f, 0x80}), 16) == "[-1, 127, -128]");
    CHECK(constantText(constantOf(DType::UInt8, {2}, {0xff, 0x01}), 16) == "[255, 1]");
    CHECK(constantText(constantOf(DType::Int16, {1}, {0x00, 0x80}), 16) == "[-32768]");
    CHECK(constantText(
              constantOf(DType::Int64, {1}, {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
              16) == "[-2]");
    CHECK(constantText(constantOf(DType::Bool, {2}, {1, 0}), 16) == "[true, false]");
    CHECK(constantText(constantOf(DType::Int8, {4}, {1, 2, 3, 4}), 2) == "[1, 2, … (4 elements)]");
    CHECK_FALSE(constantText(constantOf(DType::Int32, {2}, {1, 0, 0, 0}), 16)); // too few bytes
    CHECK_FALSE(constantText(constantOf(DType::Int4, {2}, {0x21}), 16));
}

TEST_CASE("node-data overlays come from namespaced numeric node attributes") {
    Model model;
    model.path = "synthetic";
    Graph graph;
    graph.id = "main";
    for (int i = 0; i < 3; ++i) {
        Node node;
        node.op = "tosa.CONV2D";
        node.attributes.push_back({"vela.cycles", std::int64_t{100 * (i + 1)}});
        node.attributes.push_back({"instruction", std::int64_t{i}});
        if (i == 1) node.attributes.push_back({"runtime.duration_ns", 12.5});
        node.attributes.push_back({"vela.note", std::string("text is not a metric")});
        graph.nodes.push_back(node);
    }
    model.graphs.push_back(graph);

    const auto metrics = overlayMetrics(model);
    CHECK(metrics ==
          std::map<std::string, std::size_t>{{"runtime.duration_ns", 1}, {"vela.cycles", 3}});
    const auto overlay = nodeDataOverlay(model, "vela.cycles");
    CHECK(overlay["main"]["results"]["g0.n2"]["value"] == 300);
    CHECK(overlay["main"]["results"].size() == 3);
    CHECK(overlay["main"]["gradient"].front()["stop"] == 0);
    CHECK(overlay["main"]["gradient"].back()["stop"] == 1);
    CHECK(nodeDataOverlay(model, "runtime.duration_ns")["main"]["results"]["g0.n1"]["value"] ==
          12.5);
    CHECK_THROWS_AS(nodeDataOverlay(model, "vela.macs"), std::invalid_argument);
    CHECK(overlayMetrics(open("pte/arm_mv2_ethosu55_128_int8.pte")).count("instruction") == 0);
}

TEST_CASE("sync mapping pairs graphs by names and op sequence") {
    CHECK(normalisedOp("tosa.CONV2D") == "conv2d");
    CHECK(normalisedOp("tflite.CONV_2D") == "conv2d");
    CHECK(normalisedOp("aten::convolution.out") == "convolution");
    CHECK(normalisedOp("ethosu.DEPTHWISE") == "depthwise");

    // A model against itself maps every node onto itself.
    const auto kws = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto self = syncMapping(kws, kws);
    for (std::size_t n = 0; n < kws.graphs.front().nodes.size(); ++n)
        CHECK(self["mapping"]["g0.n" + std::to_string(n)] == "g0.n" + std::to_string(n));
    CHECK(self["mapping"]["g0.in0"] == "g0.in0");

    // The TOSA of the Ethos-U delegate lines up with the NPU command stream it was compiled to.
    const auto pte = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto tosa = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto mapping = syncMapping(pte, tosa);
    REQUIRE(mapping["graphPairs"].size() == 1);
    CHECK(mapping["graphPairs"][0]["left"] == "forward/EthosUBackend#0");
    CHECK(mapping["graphPairs"][0]["matched"].get<std::size_t>() > 40);
    const auto npu = pte.findGraph("forward/EthosUBackend#0");
    REQUIRE(npu != nullptr);
    const auto npuIndex = static_cast<std::size_t>(npu - pte.graphs.data());
    for (const auto& [left, right] : mapping["mapping"].items())
        CHECK(left.rfind("g" + std::to_string(npuIndex) + ".", 0) == 0);
}

TEST_CASE("backend palette file matches the built-in colours") {
    const auto fromFile = BackendPalette::fromFile(PTERON_SOURCE_RESOURCES "/backend_palette.json");
    const auto builtIn = BackendPalette::builtIn();
    CHECK(fromFile.backends() == builtIn.backends());
    CHECK(fromFile.devices() == builtIn.devices());
    CHECK(fromFile.defaultColor() == builtIn.defaultColor());
    CHECK(builtIn.color("EthosUBackend", "NPU") == "#f59e42");
    CHECK(builtIn.color("ethosubackend", "CPU") == "#f59e42");
    CHECK(builtIn.color("SomeNewBackend", "GPU") == builtIn.deviceColor("GPU"));
    CHECK(builtIn.color("SomeNewBackend", "FPGA") == builtIn.defaultColor());
    CHECK(BackendPalette::textColorOn("#ffffff") == "#000000");
    CHECK(BackendPalette::textColorOn("#000080") == "#ffffff");
    CHECK_THROWS_AS(BackendPalette::fromJson(R"({"backends":{"x":"red"}})"), std::invalid_argument);
    CHECK_THROWS_AS(BackendPalette::locate("/nonexistent/palette.json"), std::invalid_argument);
    CHECK(BackendPalette::locate().problem().empty());
}
