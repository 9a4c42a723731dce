// NPU layers: the operations of a command stream grouped into the layers of the network they
// implement, checked against the TOSA graph Vela compiled, the command line and the export.
#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "adapters/palette/backend_palette.hpp"
#include "app/cli/ethosu_command.hpp"
#include "core/node_layers.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

using namespace pteron;
using testing::fixture;

namespace {

Model open(const std::string& relative) {
    return FormatRegistry::standard().open(fixture(relative));
}

const Graph& commandStream(const Model& model) {
    for (const auto& graph : model.graphs)
        if (graph.kind == "command-stream") return graph;
    FAIL("no command stream");
    return model.graphs.front();
}

// "int8[1,112,112,32]" -> "[1,112,112,32]": TOSA convolutions write 32-bit accumulators that a
// RESCALE narrows, where the NPU writes the narrowed result directly.
std::string dims(const std::string& type) {
    const auto open = type.find('[');
    return open == std::string::npos ? type : type.substr(open, type.find(']', open) + 1 - open);
}

// "CONV 3×3 s2 → int8[1,112,112,32], 4 stripes" -> "[1,112,112,32]".
std::string labelShape(const std::string& label) {
    const std::string arrow = " → ";
    const auto from = label.find(arrow);
    if (from == std::string::npos) return {};
    return dims(label.substr(from + arrow.size()));
}

std::vector<std::string> tosaOutputs(const Graph& tosa, std::string_view op) {
    std::vector<std::string> shapes;
    for (const auto& node : tosa.nodes)
        if (node.op == op) shapes.push_back(dims(tosa.value(node.outputs.at(0).value)->typeText()));
    return shapes;
}

std::vector<std::string> layerShapes(const std::vector<NodeLayer>& layers, std::string_view kind) {
    std::vector<std::string> shapes;
    for (const auto& layer : layers)
        if (layer.kind == kind) shapes.push_back(labelShape(layer.label));
    return shapes;
}

} // namespace

TEST_CASE("npu layers: MobileNetV2 delegate layers are its TOSA operators", "[ethosu][layers]") {
    const auto tosaModel = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto& tosa = tosaModel.graphs.at(0);
    const auto pte = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto& stream = commandStream(pte);
    REQUIRE(stream.nodes.size() == 984);
    const auto layers = nodeLayers(stream);

    // One layer per TOSA convolution, depthwise convolution, residual addition, average pool
    // and transpose, in the TOSA graph's order and with its output shapes.
    CHECK(layerShapes(layers, "CONV") == tosaOutputs(tosa, "tosa.CONV2D"));
    CHECK(layerShapes(layers, "DEPTHWISE") == tosaOutputs(tosa, "tosa.DEPTHWISE_CONV2D"));
    CHECK(layerShapes(layers, "ELEMENTWISE") == tosaOutputs(tosa, "tosa.ADD"));
    CHECK(layerShapes(layers, "POOL") == tosaOutputs(tosa, "tosa.AVG_POOL2D"));
    CHECK(layerShapes(layers, "TRANSPOSE") == tosaOutputs(tosa, "tosa.TRANSPOSE"));
    CHECK(tosaOutputs(tosa, "tosa.CONV2D").size() == 36);
    CHECK(tosaOutputs(tosa, "tosa.DEPTHWISE_CONV2D").size() == 17);
    CHECK(layers.size() == 36 + 17 + 10 + 1 + 1);

    // The layers' compute operations are all of the stream's: 158 CONV stripes for 36
    // convolutions, the transpose as 225 moves.
    std::map<std::string, std::int64_t> stripes;
    std::set<std::size_t> members;
    for (const auto& layer : layers) {
        stripes[layer.kind] += layer.stripes;
        for (const auto n : layer.nodes)
            CHECK(members.insert(n).second);
    }
    const auto ops = stream.opHistogram();
    CHECK(stripes["CONV"] == std::int64_t(ops.at("ethosu.CONV")));
    CHECK(stripes["DEPTHWISE"] == std::int64_t(ops.at("ethosu.DEPTHWISE")));
    CHECK(stripes["ELEMENTWISE"] == std::int64_t(ops.at("ethosu.ELEMENTWISE")));
    CHECK(stripes["TRANSPOSE"] + stripes["POOL"] == std::int64_t(ops.at("ethosu.POOL")));
    CHECK(stripes["TRANSPOSE"] == 225);
    const auto transpose = std::find_if(layers.begin(), layers.end(),
                                        [](const NodeLayer& l) { return l.kind == "TRANSPOSE"; });
    CHECK(transpose->label == "TRANSPOSE as 225 moves → int8[1,224,224,3]");
    // Everything but STOP belongs to a layer: DMAs to the layer that reads what they copied.
    CHECK(members.size() == stream.nodes.size() - ops.at("ethosu.STOP"));
    for (std::size_t n = 0; n < stream.nodes.size(); ++n)
        if (stream.nodes[n].op == "ethosu.STOP") CHECK(!nodeLayer(stream.nodes[n]));
}

TEST_CASE("npu layers: the ethosu command and the export group by layer", "[ethosu][layers]") {
    const auto pte = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto& stream = commandStream(pte);
    const auto layers = nodeLayers(stream);

    std::ostringstream out, err;
    const std::vector<std::string> args{fixture("pte/arm_mv2_ethosu55_128_int8.pte")};
    REQUIRE(runEthosuCommand(args, out, err) == 0);
    const auto text = out.str();
    CHECK(text.find("layers (" + std::to_string(layers.size()) + "):") != std::string::npos);
    CHECK(
        text.find("layer 0: TRANSPOSE as 225 moves → int8[1,224,224,3]  (225 operations: #0 #1") !=
        std::string::npos);

    // A layer of several operations is one Model Explorer namespace.
    std::size_t streamIndex = 0;
    while (pte.graphs[streamIndex].kind != "command-stream")
        ++streamIndex;
    const auto graph = ModelExplorerWriter(BackendPalette::builtIn()).graph(pte, streamIndex);
    std::map<std::string, std::string> namespaceOf;
    std::set<std::string> namespaces;
    for (const auto& node : graph["nodes"]) {
        const auto& space = node["namespace"].get_ref<const std::string&>();
        namespaceOf[node["id"].get<std::string>()] = space;
        if (!space.empty()) namespaces.insert(space);
    }
    std::size_t grouped = 0;
    for (const auto& layer : layers) {
        if (layer.nodes.size() < 2) continue;
        ++grouped;
        const auto expected = "layer " + std::to_string(layer.id) + ": " + layer.label;
        for (const auto n : layer.nodes)
            CHECK(namespaceOf["g" + std::to_string(streamIndex) + ".n" + std::to_string(n)] ==
                  expected);
    }
    CHECK(namespaces.size() == grouped);
}

TEST_CASE("npu layers: a Vela stream reads and writes its operator's tensors", "[ethosu][layers]") {
    const auto model = open("tflite/paddle_hello_world_int8_vela.tflite");
    const auto& top = model.graphs.at(0);
    const auto& call = top.nodes.at(0);
    const auto& stream = model.graphs.at(call.childGraphs.at(0));
    // Operands: command stream, read-only data, scratch, fast scratch, then the feature map.
    REQUIRE(stream.inputs.size() == 1);
    CHECK(stream.value(stream.inputs[0])->name == top.value(call.inputs.at(4).value)->name);
    REQUIRE(stream.outputs.size() == 1);
    CHECK(stream.value(stream.outputs[0])->name == top.value(call.outputs.at(0).value)->name);
    // The first convolution reads the input; the last writes the output.
    CHECK(stream.nodes.at(0).inputs.at(0).value == stream.inputs[0]);
    CHECK(stream.nodes.at(2).outputs.at(0).value == stream.outputs[0]);
}
