#include "adapters/model_explorer/constant_text.hpp"
#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "adapters/model_explorer/node_data_overlay.hpp"
#include "adapters/model_explorer/sync_mapping.hpp"
#include "adapters/palette/backend_palette.hpp"
#include "app/cli/command_line.hpp"
#include "app/cli/export_command.hpp"
#include "app/cli/model_summary.hpp"
#include "app/sample/pte_program_writer.hpp"
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/json_schema.hpp"
#include "tests/support/relu_chain_program.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

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

// Graph ids unique; node ids unique per graph; every edge source and its output port present;
// every edge's target port one of the node's inputsMetadata ids; subgraphs resolve; every graph
// but the first reachable from another through subgraphIds when the model gives it a parent.
std::vector<std::string> referenceProblems(const json& collection, const Model& model) {
    std::vector<std::string> problems;
    std::set<std::string> graphIds, reachable;
    for (const auto& graph : collection["graphs"])
        if (!graphIds.insert(graph["id"].get<std::string>()).second)
            problems.push_back("duplicate graph id " + graph["id"].get<std::string>());
    for (const auto& graph : collection["graphs"]) {
        std::map<std::string, const json*> nodes;
        for (const auto& node : graph["nodes"])
            if (!nodes.emplace(node["id"].get<std::string>(), &node).second)
                problems.push_back("duplicate node id " + node["id"].get<std::string>());
        for (const auto& node : graph["nodes"]) {
            for (const auto& sub : node.value("subgraphIds", json::array())) {
                reachable.insert(sub.get<std::string>());
                if (!graphIds.count(sub.get<std::string>()))
                    problems.push_back("unresolved subgraph " + sub.get<std::string>());
            }
            std::set<std::string> inputPorts;
            for (const auto& port : node.value("inputsMetadata", json::array()))
                inputPorts.insert(port["id"].get<std::string>());
            for (const auto& edge : node.value("incomingEdges", json::array())) {
                if (!inputPorts.count(edge["targetNodeInputId"].get<std::string>()))
                    problems.push_back("edge into missing input port " +
                                       edge["targetNodeInputId"].get<std::string>() + " of " +
                                       node["id"].get<std::string>());
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
    for (const auto& graph : model.graphs)
        if (graph.parent && !reachable.count(graph.id))
            problems.push_back("child graph " + graph.id + " reached by no subgraphIds");
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

// Fixtures that are no model on their own: a deliberately broken file, an ETRecord archive (no
// reader) and the .ptd data files, which export through the program that uses them.
const std::set<std::string> kNotModels{"cc_corrupt_NOT_A_PTE.pte", "et_linear_external.ptd",
                                       "et_xor_training.ptd"};

void checkExport(const Model& model, const testing::JsonSchema& schema) {
    const auto collection = exportModel(model);
    const auto errors = schema.validate(collection);
    CHECK(errors.empty());
    if (!errors.empty()) INFO(errors.front());
    CHECK(referenceProblems(collection, model).empty());
    for (const auto& problem : referenceProblems(collection, model))
        UNSCOPED_INFO(problem);
    CHECK(collection["graphs"].size() == model.graphs.size());
}

TEST_CASE("every fixture exports a valid Model Explorer collection") {
    const auto schema =
        testing::JsonSchema::fromFile(PTERON_TEST_SCHEMAS "/model_explorer_graph.schema.json");
    const auto registry = FormatRegistry::standard();
    std::size_t exported = 0;
    for (const auto& path : allFixtureFiles()) {
        INFO(path);
        const auto name = std::filesystem::path(path).filename().string();
        Model model;
        try {
            model = registry.open(path);
        } catch (const FormatError& error) {
            INFO(error.what());
            CHECK(kNotModels.count(name) == 1); // anything else must open
            continue;
        }
        checkExport(model, schema); // a reader added for one of kNotModels is checked too
        ++exported;
    }
    for (const auto& [program, data] :
         {std::pair{"pte/et_linear_external.pte", "ptd/et_linear_external.ptd"},
          std::pair{"pte/et_xor_training.pte", "ptd/et_xor_training.ptd"}}) {
        INFO(program << " + " << data);
        ReadOptions options;
        options.companions.push_back(fixture(data));
        checkExport(registry.open(fixture(program), options), schema);
        ++exported;
    }
    CHECK(exported >= allFixtureFiles().size() - kNotModels.size() + 2);
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
    CHECK(nodeWithId(forward, "g0.out0")["incomingEdges"][0]["sourceNodeId"] == "g0.n16");
    // The static view between the average pool and the linear layer keeps them joined.
    CHECK(nodeWithId(forward, "g0.n14")["label"] == "executorch::view");
    CHECK(nodeWithId(forward, "g0.n14")["incomingEdges"][0]["sourceNodeId"] == "g0.n13");
    CHECK(nodeWithId(forward, "g0.n15")["incomingEdges"][0]["sourceNodeId"] == "g0.n14");
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

namespace {

int exportCommand(std::vector<std::string> args, std::string* printed = nullptr) {
    std::ostringstream out;
    const int code = runExportCommand(args, out);
    if (printed) *printed = out.str();
    return code;
}

json readJson(const std::filesystem::path& path) {
    std::ifstream in(path);
    return json::parse(in);
}

std::filesystem::path madeFolder(const std::string& name) {
    const auto dir = testing::madeDir() / "model_explorer" / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

bool isOpNodeId(const std::string& id) {
    return id.find(".n") != std::string::npos;
}

} // namespace

TEST_CASE("VGF MobileNetV2: the exported op histogram equals the one pteron info reports") {
    const auto model = open("vgf/arm_mobilenet_v2_int8.vgf");
    const auto summary = modelSummary(model);
    const auto collection = exportModel(model);
    REQUIRE(collection["graphs"].size() == summary["graphs"].size());
    for (std::size_t g = 0; g < summary["graphs"].size(); ++g) {
        const auto& reported = summary["graphs"][g];
        const auto& graph = graphWithId(collection, reported["id"].get<std::string>());
        std::map<std::string, std::size_t> exported;
        for (const auto& node : graph["nodes"])
            if (isOpNodeId(node["id"].get<std::string>()))
                ++exported[node["label"].get<std::string>()];
        std::map<std::string, std::size_t> info;
        for (const auto& [op, count] : reported["op_histogram"].items())
            info[op] = count.get<std::size_t>();
        CHECK(exported == info);
        CHECK(info.at("tosa.CONV2D") == 36);
        CHECK(info.at("tosa.RESCALE") == 96);
    }
}

TEST_CASE("namespaces leave out the graph's own name so Model Explorer opens on the operations") {
    // VGF: every node's namespace was its segment's name, the graph itself.
    const auto vgf = exportModel(open("vgf/arm_mobilenet_v2_int8.vgf"));
    for (const auto& node : vgf["graphs"][0]["nodes"])
        CHECK(node["namespace"] == "");
    // Vela with CPU operators between NPU ones: the subgraph layer is gone, each ethos-u
    // operator keeps its own namespace.
    const auto vela = exportModel(open("tflite/himax_kwt1_relu_mfcc_vela.tflite"));
    const auto& main = vela["graphs"][0];
    std::map<std::string, std::size_t> spaces;
    for (const auto& node : main["nodes"])
        if (isOpNodeId(node["id"].get<std::string>()))
            ++spaces[node["namespace"].get<std::string>()];
    CHECK(spaces[""] == 48);
    CHECK(spaces["ethos-u#0"] == 1);
    CHECK(spaces["ethos-u#48"] == 1);
    CHECK(spaces.size() == 50);
    for (const auto& [space, count] : spaces)
        CHECK(space.find("subgraph") == std::string::npos);
    // Fully on the NPU: one placement, no wrapping namespace.
    const auto person = exportModel(open("tflite/himax_person_int8_model_vela_mac64.tflite"));
    CHECK(nodeWithId(person["graphs"][0], "g0.n0")["namespace"] == "");
}

TEST_CASE("graphs on one placement still describe their partition and where they came from") {
    const auto model = open("tflite/himax_person_int8_model_vela_mac64.tflite");
    const auto collection = exportModel(model);
    const auto& top = graphWithId(collection, "subgraph0")["groupNodeAttributes"][""];
    CHECK(top["partition.ethos-u#0.backend"] == "ethos-u");
    CHECK(top["partition.ethos-u#0.device"] == "NPU");
    CHECK(top["partition.ethos-u#0.delegated"] == "true");
    CHECK(top["partition.ethos-u#0.child_graph"] == "subgraph0/ethos-u#0");
    const auto& stream = graphWithId(collection, "subgraph0/ethos-u#0")["groupNodeAttributes"][""];
    CHECK(stream["delegate.backend"] == "ethos-u");
    CHECK(stream["delegate.child_graph"] == "subgraph0/ethos-u#0");

    const auto pte = exportModel(open("pte/arm_mv2_ethosu55_128_int8.pte"));
    const auto& npu = graphWithId(pte, "forward/EthosUBackend#0")["groupNodeAttributes"][""];
    CHECK(npu["delegate.payload_bytes"] == "3379376");
    CHECK(npu["delegate.spec.tosa_spec"] == "TOSA-1.0+INT+int16+u55");
    CHECK(npu["delegate.target"] == "ethos-u55-128");
    const auto& forward = graphWithId(pte, "forward")["groupNodeAttributes"][""];
    CHECK(forward["partition.EthosUBackend#0.payload_bytes"] == "3379376");
}

TEST_CASE("scalar values show their type as tensor_shape and their value apart") {
    const auto collection = exportModel(open("pte/cc_const_methods.pte"));
    const auto& graph = graphWithId(collection, "get_scalar");
    const auto& output = nodeWithId(graph, "g1.out0");
    CHECK(portAttr(output, "inputsMetadata", "0", "tensor_shape") == "int64[]");
    CHECK(portAttr(output, "inputsMetadata", "0", "value") == "128");
    CHECK(portAttr(output, "inputsMetadata", "0", "kind") == "scalar");
    const auto kws = exportModel(open("pte/et_arduino_kws_dscnn_cortexm_int8.pte"));
    const auto& input = nodeWithId(graphWithId(kws, "forward"), "g0.in0");
    CHECK(portAttr(input, "outputsMetadata", "0", "value").empty()); // a tensor has none
}

TEST_CASE("numeric attributes named macs are metrics; any numeric attribute overlays") {
    Model model;
    model.path = "npu";
    Graph graph;
    graph.id = "stream";
    for (std::int64_t macs : {640, 0, 1280}) {
        Node node;
        node.op = "ethosu.CONV";
        node.attributes.push_back({"macs", macs});
        node.attributes.push_back({"stride", std::int64_t{1}});
        graph.nodes.push_back(node);
    }
    model.graphs.push_back(graph);
    const auto metrics = overlayMetrics(model);
    CHECK(metrics == std::map<std::string, std::size_t>{{"macs", 3}});
    const auto overlay = nodeDataOverlay(model, "macs");
    CHECK(overlay["stream"]["results"]["g0.n2"]["value"] == 1280);
    CHECK(overlay["stream"]["results"]["g0.n1"]["value"] == 0);
    // Not listed, yet asked for by name it still overlays.
    CHECK(nodeDataOverlay(model, "stride")["stream"]["results"].size() == 3);
}

TEST_CASE("pteron export --etdump overlays runtime ticks on the program's instructions") {
    // The tutorial ETDump times instructions 0 to 13 of a 14-kernel program; none of the fixture
    // programs is that one, so the project's writer makes a program of that shape.
    const auto dir = madeFolder("etdump");
    const auto program = (dir / "fourteen_kernels.pte").string();
    testing::writeReluChainProgram(program, 14);
    const auto etdump = fixture("etdump/et_tutorial_etdump.etdp");

    std::string help;
    REQUIRE(exportCommand({"--to", "node-data", program, "--etdump", etdump, "--metric", "help"},
                          &help) == 0);
    CHECK(help.find("runtime.ticks.total  14") != std::string::npos);
    CHECK(help.find("runtime.calls  14") != std::string::npos);

    const auto out = dir / "ticks.json";
    REQUIRE(exportCommand({"--to", "node-data", program, "--etdump", etdump, "--metric",
                           "runtime.ticks.total", "-o", out.string()}) == 0);
    const auto overlay = readJson(out);
    const auto& results = overlay["forward"]["results"];
    CHECK(results.size() == 14);
    // The figures are the ones the reader attached to the same instructions.
    ReadOptions options;
    options.etdump = etdump;
    const auto model = FormatRegistry::standard().open(program, options);
    for (std::size_t n = 0; n < 14; ++n) {
        const auto* ticks =
            findAttribute(model.graphs[0].nodes[n].attributes, "runtime.ticks.total");
        REQUIRE(ticks != nullptr);
        CHECK(results["g0.n" + std::to_string(n)]["value"] == std::get<std::int64_t>(ticks->value));
        CHECK(std::get<std::int64_t>(ticks->value) > 0);
    }
    // Without the dump there is nothing to overlay.
    CHECK(exportCommand({"--to", "node-data", program, "--metric", "help"}, &help) == 0);
    CHECK(help.find("runtime") == std::string::npos);
}

TEST_CASE("Vela per-layer cycles beside the Vela input become node data") {
    const auto dir = madeFolder("vela_per_layer");
    const auto copy = dir / "arm_mlek_kws_micronet_m_int8.tflite";
    std::filesystem::copy_file(fixture("tflite/arm_mlek_kws_micronet_m_int8.tflite"), copy);
    const auto plain = open("tflite/arm_mlek_kws_micronet_m_int8.tflite");
    const auto& nodes = plain.graphs[0].nodes;
    REQUIRE(nodes.size() > 3);
    // Rows name layers by their output tensor, as Vela's Name column does.
    std::ofstream csv(dir / "arm_mlek_kws_micronet_m_int8_per-layer.csv");
    csv << "Original Operator,NNG Operator,Target,Staging Usage,Peak% (Staging),Op Cycles,"
           "Network% (cycles),NPU,SRAM AC,DRAM AC,OnFlash AC,OffFlash AC,MAC Count,"
           "Network% (MAC),Util% (MAC),Name\n";
    for (std::size_t n = 0; n < 3; ++n) {
        const auto* output = plain.graphs[0].value(nodes[n].outputs.at(0).value);
        REQUIRE(output != nullptr);
        csv << nodes[n].op.substr(7) << ",Conv2DBias,NPU,48,100.0," << 1000 * (n + 1)
            << ",10.0,900,12,0,0,300," << 5000 * (n + 1) << ",5.5,0.0156,\"" << output->name
            << "\"\n";
    }
    csv.close();

    std::string help;
    REQUIRE(exportCommand({"--to", "node-data", copy.string(), "--metric", "help"}, &help) == 0);
    CHECK(help.find("vela.cycles  3") != std::string::npos);
    const auto out = dir / "cycles.json";
    REQUIRE(exportCommand({"--to", "node-data", copy.string(), "--metric", "vela.cycles", "-o",
                           out.string()}) == 0);
    const auto overlay = readJson(out);
    const auto& results = overlay[plain.graphs[0].id]["results"];
    CHECK(results.size() == 3);
    CHECK(results["g0.n0"]["value"] == 1000);
    CHECK(results["g0.n2"]["value"] == 3000);
    CHECK(overlay[plain.graphs[0].id]["name"] == "vela.cycles");
}

TEST_CASE("pteron export writes Model Explorer JSON with the constants it is asked for") {
    const auto dir = madeFolder("cli");
    const auto pte = fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto small = dir / "small.json";
    REQUIRE(exportCommand({"--to", "model-explorer", pte, "-o", small.string(),
                           "--max-constant-elements", "2"}) == 0);
    const auto collection = readJson(small);
    CHECK(collection["label"] == "et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto& weights = nodeWithId(graphWithId(collection, "forward"), "g0.c39");
    const auto text = attr(weights["attrs"], "__value");
    CHECK(text.find(", … (2560 elements)]") != std::string::npos);
    CHECK(std::count(text.begin(), text.end(), ',') == 2);

    const auto none = dir / "none.json";
    REQUIRE(exportCommand({"--to", "model-explorer", pte, "-o", none.string(),
                           "--max-constant-elements", "0"}) == 0);
    CHECK(attr(nodeWithId(graphWithId(readJson(none), "forward"), "g0.c39")["attrs"], "__value")
              .empty());

    std::string printed;
    REQUIRE(exportCommand({"--to", "model-explorer", pte}, &printed) == 0);
    CHECK(json::parse(printed)["graphs"].size() == 1);

    CHECK_THROWS_AS(exportCommand({"--to", "model-explorer", pte, "--max-constant-elements", "x"}),
                    UsageError);
    CHECK_THROWS_AS(exportCommand({"--to", "node-data", pte, "--metric", "vela.cycles"}),
                    UsageError);
    CHECK_THROWS_AS(exportCommand({"--to", "pdf", pte}), UsageError);
    REQUIRE(exportCommand({"--to", "node-data", pte, "--metric", "help"}, &printed) == 0);
    CHECK(printed.find("no numeric node attribute") != std::string::npos);
}

TEST_CASE("mapping pairs a Vela input with its optimised model") {
    for (const auto& [input, optimised, operations] :
         {std::tuple{"tflite/arm_mlek_kws_micronet_m_int8.tflite",
                     "tflite/arm_mlek_kws_micronet_m_vela_H128.tflite", std::size_t{10}},
          std::tuple{"tflite/himax_person_int8_model.tflite",
                     "tflite/himax_person_int8_model_vela_mac64.tflite", std::size_t{25}}}) {
        INFO(input);
        const auto left = open(input);
        const auto right = open(optimised);
        const auto mapping = syncMapping(left, right);
        std::map<std::string, const json*> pairs;
        std::size_t byName = 0;
        for (const auto& pair : mapping["graphPairs"]) {
            pairs[pair["right"].get<std::string>()] = &pair;
            byName += pair["byName"].get<std::size_t>();
        }
        // The input's operators line up with the NPU operations of the command stream.
        REQUIRE(pairs.count("subgraph0/ethos-u#0"));
        CHECK((*pairs["subgraph0/ethos-u#0"])["matched"].get<std::size_t>() >= operations);
        // The graph input keeps its tensor name through Vela.
        CHECK(byName >= 1);
        const auto rightInput = mapping["mapping"].value("g0.in0", std::string());
        CHECK(rightInput.rfind("g", 0) == 0);
        CHECK(rightInput.find(".in0") != std::string::npos);
        // Every mapped id names a node of the two models.
        for (const auto& [from, to] : mapping["mapping"].items()) {
            CHECK(from.rfind("g0.", 0) == 0); // the input has one graph
            CHECK(to.get<std::string>().rfind("g", 0) == 0);
        }
    }
    const auto person = syncMapping(open("tflite/himax_person_int8_model.tflite"),
                                    open("tflite/himax_person_int8_model_vela_mac64.tflite"));
    CHECK(person["mapping"]["g0.in0"] == "g0.in0"); // "input" on both sides
}

TEST_CASE("mapping refuses models without a known correspondence") {
    // Two MobileNetV2 exports, but the VGF classifies 1001 classes and the TOSA 1000.
    const auto tosa = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto vgf = open("vgf/arm_mobilenet_v2_int8.vgf");
    CHECK_THROWS_AS(syncMapping(tosa, vgf), std::invalid_argument);
    CHECK_THROWS_AS(syncMapping(open("tflite/arm_mlek_kws_micronet_m_int8.tflite"), tosa),
                    std::invalid_argument);
    const auto dir = madeFolder("mapping");
    CHECK(exportCommand({"--to", "mapping", fixture("tosa/arm_mv2_ethosu55_tag1.tosa"),
                         fixture("vgf/arm_mobilenet_v2_int8.vgf"), "-o",
                         (dir / "map.json").string()}) == 2);
    CHECK_FALSE(std::filesystem::exists(dir / "map.json"));
}

TEST_CASE("export writes names that are not UTF-8 with replacement characters") {
    // A TFLite tensor name with one byte made invalid UTF-8 (0xFF).
    std::ifstream in(fixture("tflite/paddle_hello_world_int8_vela.tflite"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = bytes.find("serving_default_dense_input");
    REQUIRE(at != std::string::npos);
    bytes[at + 3] = static_cast<char>(0xFF);
    const auto damaged = madeFolder("non_utf8") / "non_utf8_name.tflite";
    std::ofstream(damaged, std::ios::binary) << bytes;
    std::string printed;
    REQUIRE(exportCommand({"--to", "model-explorer", damaged.string()}, &printed) == 0);
    CHECK(printed.find("ser\xEF\xBF\xBDing_default_dense_input") != std::string::npos);
    CHECK_NOTHROW(json::parse(printed));
}
