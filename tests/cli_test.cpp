#include "app/cli/command_line.hpp"
#include "app/cli/info_command.hpp"
#include "app/cli/nodes_command.hpp"
#include "app/sample/pte_program_writer.hpp"
#include "app/sample/xnnpack_sample_payload.hpp"
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/relu_chain_program.hpp"
#include "tests/support/robustness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace pteron;
using testing::fixture;

namespace {

std::string run(int (*command)(std::span<const std::string>, std::ostream&),
                std::vector<std::string> args) {
    std::ostringstream out;
    REQUIRE(command(args, out) == 0);
    return out.str();
}

nlohmann::json infoJson(const std::string& path) {
    return nlohmann::json::parse(run(runInfoCommand, {path, "--json"}));
}

const nlohmann::json& graphWithId(const nlohmann::json& info, const std::string& id) {
    for (const auto& graph : info["graphs"])
        if (graph["id"] == id) return graph;
    FAIL("no graph " << id);
    return info;
}

std::vector<nlohmann::json> partitionsOf(const nlohmann::json& info, const std::string& graph) {
    std::vector<nlohmann::json> result;
    for (const auto& partition : info["partitions"])
        if (partition["graph"] == graph) result.push_back(partition);
    return result;
}

nlohmann::json valueJson(const std::string& name, const std::string& dtype,
                         std::vector<std::int64_t> shape) {
    return {{"name", name}, {"dtype", dtype}, {"shape", shape}};
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t found = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++found;
    return found;
}

} // namespace

TEST_CASE("info --json: Ethos-U MobileNetV2 keys and values") {
    const auto path = fixture("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto info = infoJson(path);
    CHECK(info["file"] == path);
    CHECK(info["format"] == "executorch");
    CHECK(info["format_version"] == "ET12");
    REQUIRE(info["graphs"].size() == 2);

    const auto& forward = graphWithId(info, "forward");
    CHECK(forward["kind"] == "method");
    CHECK(forward["parent"].is_null());
    CHECK(forward["node_count"] == 3);
    CHECK(forward["op_histogram"] == nlohmann::json{{"EthosUBackend", 1},
                                                    {"cortex_m::dequantize_per_tensor.out", 1},
                                                    {"cortex_m::quantize_per_tensor.out", 1}});
    CHECK(forward["inputs"] == nlohmann::json::array({valueJson("%0", "fp32", {1, 3, 224, 224})}));
    CHECK(forward["outputs"] == nlohmann::json::array({valueJson("%8", "fp32", {1, 1000})}));

    const auto& stream = graphWithId(info, "forward/EthosUBackend#0");
    CHECK(stream["kind"] == "command-stream");
    CHECK(stream["parent"] == "forward");
    CHECK(stream["node_count"] == 984);
    CHECK(stream["op_histogram"]["ethosu.CONV"] == 158);
    CHECK(stream["inputs"].at(0)["dtype"] == "int8");
    CHECK(stream["inputs"].at(0)["shape"] == nlohmann::json({1, 3, 224, 224}));

    const auto calls = partitionsOf(info, "forward");
    REQUIRE(calls.size() == 2);
    const auto& ethos = calls[0];
    CHECK(ethos["id"] == "EthosUBackend#0");
    CHECK(ethos["backend"] == "EthosUBackend");
    CHECK(ethos["device"] == "NPU");
    CHECK(ethos["target"] == "ethos-u55-128");
    CHECK(ethos["node_count"] == 1);
    CHECK(ethos["payload_bytes"] == 3379376);
    CHECK(ethos["child_graph"] == "forward/EthosUBackend#0");
    CHECK(calls[1]["backend"] == "cortex_m");
    CHECK(calls[1]["device"] == "CPU");
    CHECK(calls[1]["node_count"] == 2);
    CHECK(calls[1]["payload_bytes"] == 0);
    CHECK(calls[1]["child_graph"].is_null());

    // Inside the payload: the same partition, its bytes not counted again.
    const auto inside = partitionsOf(info, "forward/EthosUBackend#0");
    REQUIRE(inside.size() == 1);
    CHECK(inside[0]["id"] == "EthosUBackend#0");
    CHECK(inside[0]["same_as"] == "forward EthosUBackend#0");
    CHECK(inside[0]["payload_bytes"] == 0);
    CHECK(inside[0]["node_count"] == 984);
    std::uint64_t payloadTotal = 0;
    for (const auto& partition : info["partitions"])
        payloadTotal += partition["payload_bytes"].get<std::uint64_t>();
    CHECK(payloadTotal == 3379376);
}

TEST_CASE("info --json: XNNPACK linear child graph with parent and shapes") {
    const auto info = infoJson(fixture("pte/cc_linear_xnnpack_int8.pte"));
    REQUIRE(info["graphs"].size() == 2);
    const auto& forward = graphWithId(info, "forward");
    CHECK(forward["inputs"] == nlohmann::json::array({valueJson("%0", "fp32", {2, 8})}));
    CHECK(forward["outputs"] == nlohmann::json::array({valueJson("%1", "fp32", {2, 8})}));
    const auto& child = graphWithId(info, "forward/XnnpackBackend#0");
    CHECK(child["kind"] == "delegate");
    CHECK(child["parent"] == "forward");
    CHECK(child["node_count"] == 3);
    CHECK(child["op_histogram"] ==
          nlohmann::json{{"xnnpack.Convert", 2}, {"xnnpack.FullyConnected", 1}});
    const auto calls = partitionsOf(info, "forward");
    REQUIRE(calls.size() == 1);
    CHECK(calls[0]["id"] == "XnnpackBackend#0");
    CHECK(calls[0]["device"] == "CPU");
    CHECK(calls[0]["target"] == "");
    CHECK(calls[0]["payload_bytes"] == 1088);
    CHECK(calls[0]["child_graph"] == "forward/XnnpackBackend#0");
    const auto inside = partitionsOf(info, "forward/XnnpackBackend#0");
    REQUIRE(inside.size() == 1);
    CHECK(inside[0]["payload_bytes"] == 0);
    CHECK(inside[0]["node_count"] == 3);
}

TEST_CASE("info --json: Cortex-M keyword spotting, host partitions only") {
    const auto info = infoJson(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte"));
    REQUIRE(info["graphs"].size() == 1);
    const auto& forward = info["graphs"][0];
    CHECK(forward["id"] == "forward");
    // 16 instructions plus the static view the emitter left without one.
    CHECK(forward["node_count"] == 17);
    CHECK(forward["op_histogram"]["executorch::view"] == 1);
    CHECK(forward["op_histogram"]["cortex_m::quantized_conv2d.out"] == 4);
    CHECK(forward["op_histogram"]["cortex_m::quantized_depthwise_conv2d.out"] == 5);
    CHECK(forward["op_histogram"]["dim_order_ops::_clone_dim_order.out"] == 2);
    CHECK(forward["inputs"] == nlohmann::json::array({valueJson("%83", "fp32", {1, 1, 49, 10})}));
    CHECK(forward["outputs"] == nlohmann::json::array({valueJson("%283", "fp32", {1, 12})}));
    REQUIRE(info["partitions"].size() == 2);
    CHECK(info["partitions"][0]["id"] == "portable#0");
    CHECK(info["partitions"][0]["node_count"] == 2);
    CHECK(info["partitions"][1]["id"] == "cortex_m#0");
    CHECK(info["partitions"][1]["node_count"] == 15);
    CHECK(info["constant_bytes"] == 39216);
}

TEST_CASE("info text names format, graphs, partitions and constant bytes") {
    const auto text = run(runInfoCommand, {fixture("pte/cc_linear_xnnpack_int8.pte")});
    CHECK(text.find("format executorch ET12") != std::string::npos);
    CHECK(text.find("graph forward/XnnpackBackend#0 (delegate in forward, 3 nodes)") !=
          std::string::npos);
    CHECK(text.find("payload 1088 bytes (segment #1) magic XH00") != std::string::npos);
    CHECK(text.find("(decoded payload of forward XnnpackBackend#0)") != std::string::npos);
    CHECK(text.find("constant data: 96 bytes") != std::string::npos);
}

TEST_CASE("nodes --graph lists only the chosen graph") {
    const auto path = fixture("pte/cc_linear_xnnpack_int8.pte");
    const auto child = run(runNodesCommand, {path, "--graph", "forward/XnnpackBackend#0"});
    CHECK(child.rfind("graph forward/XnnpackBackend#0\n", 0) == 0);
    CHECK(count(child, "\ngraph ") == 0);
    CHECK(count(child, "  #") == 3);
    CHECK(child.find("#1 xnnpack.FullyConnected  [XnnpackBackend/CPU]") != std::string::npos);
    CHECK(child.find("in:  %1:int8[2,8], %2:int8[8,8], %3:int32[8]") != std::string::npos);

    const auto all = run(runNodesCommand, {path});
    CHECK(count(all, "graph ") == 2);
    CHECK(count(all, "  #") == 4);

    std::ostringstream out;
    const std::vector<std::string> unknown{path, "--graph", "backward"};
    CHECK_THROWS_AS(runNodesCommand(unknown, out), UsageError);
    const std::vector<std::string> noFile{"--json"};
    CHECK_THROWS_AS(runInfoCommand(noFile, out), UsageError);
    const std::vector<std::string> badOption{path, "--colour"};
    CHECK_THROWS_AS(runInfoCommand(badOption, out), UsageError);
    const std::vector<std::string> corrupt{fixture("pte/cc_corrupt_NOT_A_PTE.pte")};
    CHECK_THROWS_AS(runInfoCommand(corrupt, out), FormatError);
}

TEST_CASE("nodes --etdump shows the run's timings on the program's instructions") {
    // The tutorial ETDump times instructions 0 to 13; a 14-kernel program of that shape takes them.
    const auto dir = testing::madeDir() / "cli";
    std::filesystem::create_directories(dir);
    const auto program = (dir / "relu_chain_14.pte").string();
    testing::writeReluChainProgram(program, 14);
    const auto etdump = fixture("etdump/et_tutorial_etdump.etdp");

    const auto timed = run(runNodesCommand, {program, "--etdump", etdump});
    CHECK(count(timed, "  #") == 14);
    CHECK(count(timed, "runtime.ticks.total = ") == 14);
    CHECK(count(timed, "runtime.calls = ") == 14);
    const auto plain = run(runNodesCommand, {program});
    CHECK(plain.find("runtime.") == std::string::npos);

    const auto info =
        nlohmann::json::parse(run(runInfoCommand, {program, "--json", "--etdump", etdump}));
    CHECK(info["graphs"][0]["node_count"] == 14);
}

TEST_CASE("info --debug-buffer names the ETDump's debug buffer") {
    const auto dir = testing::madeDir() / "cli";
    std::filesystem::create_directories(dir);
    const auto buffer = dir / "debug_buffer.bin";
    std::ofstream(buffer, std::ios::binary) << std::string(64, '\x11');
    const auto etdump = fixture("etdump/et_tutorial_etdump.etdp");
    const auto info = nlohmann::json::parse(
        run(runInfoCommand, {etdump, "--json", "--debug-buffer", buffer.string()}));
    CHECK(info["metadata"]["debug buffer"] == buffer.string());
    const auto bare = infoJson(etdump);
    CHECK_FALSE(bare["metadata"].contains("debug buffer"));
}

TEST_CASE("info lists the report tables a model carries") {
    // A per-layer CSV in Vela's column layout: two NPU layers and one CPU layer.
    const auto dir = testing::madeDir() / "cli";
    std::filesystem::create_directories(dir);
    const auto csv = dir / "net_per-layer.csv";
    std::ofstream(csv) << "Original Operator,NNG Operator,Target,Staging Usage,Peak% (Staging),"
                          "Op Cycles,Network% (cycles),NPU,SRAM AC,DRAM AC,OnFlash AC,"
                          "OffFlash AC,MAC Count,Network% (MAC),Util% (MAC),Name\n"
                          "FULLY_CONNECTED,FullyConnected,NPU,48,100.0,400,53.2,380,12,0,0,300,"
                          "16,5.5,0.0156,dense_1/MatMul\n"
                          "FULLY_CONNECTED,FullyConnected,NPU,32,66.6,352,46.8,300,9,0,0,122,"
                          "272,94.4,0.3018,Identity\n"
                          "QUANTIZE,Passthrough,CPU,0,NaN,0,0,0,0,0,0,0,0,0,NaN,input:0\n";
    const auto info = infoJson(csv.string());
    REQUIRE(info["report_tables"].size() == 1);
    const auto& table = info["report_tables"][0];
    CHECK(table["name"] == "vela.per_layer");
    CHECK(table["row_count"] == 3);
    CHECK(table["source"] == csv.string());
    const auto& columns = table["columns"];
    CHECK(std::find(columns.begin(), columns.end(), "Op Cycles") != columns.end());
    const auto text = run(runInfoCommand, {csv.string()});
    CHECK(text.find("report vela.per_layer: 3 rows") != std::string::npos);
    CHECK(infoJson(fixture("pte/cc_multi_method.pte"))["report_tables"].empty());
}

TEST_CASE("info and info --json succeed on every fixture of every format") {
    const auto registry = FormatRegistry::standard();
    std::size_t opened = 0;
    for (const auto* folder : {"tosa", "vgf", "tflite", "vela-reports", "etdump", "pte"}) {
        for (const auto& entry :
             std::filesystem::directory_iterator(testing::fixturesDir() / folder)) {
            const auto path = entry.path().string();
            INFO(path);
            if (path.find("NOT_A_PTE") != std::string::npos) {
                std::ostringstream out;
                CHECK_THROWS_AS(runInfoCommand(std::vector<std::string>{path, "--json"}, out),
                                FormatError);
                continue;
            }
            const auto model = registry.open(path);
            CHECK_FALSE(run(runInfoCommand, {path}).empty());
            const auto info = infoJson(path);
            CHECK(info["file"] == path);
            CHECK(info["format"] == model.format);
            REQUIRE(info["graphs"].size() == model.graphs.size());
            for (std::size_t i = 0; i < model.graphs.size(); ++i) {
                const auto& graph = info["graphs"][i];
                CHECK(graph["id"] == model.graphs[i].id);
                CHECK(graph["node_count"] == model.graphs[i].nodes.size());
                std::size_t histogramTotal = 0;
                for (const auto& [op, nodes] : graph["op_histogram"].items())
                    histogramTotal += nodes.get<std::size_t>();
                CHECK(histogramTotal == model.graphs[i].nodes.size());
                CHECK(graph["inputs"].size() == model.graphs[i].inputs.size());
                CHECK(graph["outputs"].size() == model.graphs[i].outputs.size());
            }
            ++opened;
        }
    }
    CHECK(opened == 36); // every fixture file but the corrupt one
}

TEST_CASE("info --json on damaged programs prints or fails with a FormatError") {
    const auto registry = FormatRegistry::standard();
    testing::DamageOptions options;
    std::size_t printed = 0;
    options.inspect = [&printed](const Model& model) {
        std::ostringstream json;
        printInfo(model, true, json);
        // What was printed must parse back: every string was serialised.
        const auto parsed = nlohmann::json::parse(json.str());
        REQUIRE(parsed["graphs"].size() == model.graphs.size());
        std::ostringstream text;
        printInfo(model, false, text);
        ++printed;
    };
    for (const auto& path : testing::fixturesIn("pte", ".pte")) {
        if (path.find("NOT_A_PTE") != std::string::npos) continue;
        INFO(path);
        // The MobileNetV2 programs (megabytes each) get fewer copies; pte_test damages them more.
        const bool large = std::filesystem::file_size(path) > 1024 * 1024;
        options.truncations = large ? 8 : 32;
        options.flips = large ? 16 : 48;
        const auto report = testing::damageAndRead(registry, path, options);
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
    }
    CHECK(printed > 0);
}

namespace {

using Spec = PteProgramWriter::TensorSpec;

// forward: EthosUBackend (undecodable payload) then XnnpackBackend (the sample payload).
std::string writeTwoDelegates(const std::string& name, const std::string& opName) {
    PteProgramWriter writer;
    const auto shapes = sampleXnnpackShapes();
    const auto input =
        writer.addTensor(Spec{PteScalarType::Char, {1, shapes.inputFeatures}, 0, true, 0});
    const auto npu =
        writer.addTensor(Spec{PteScalarType::Char, {1, shapes.inputFeatures}, 0, true, 64});
    const auto result =
        writer.addTensor(Spec{PteScalarType::Char, {1, shapes.outputFeatures}, 0, true, 128});
    const auto ethos = writer.addDelegate("EthosUBackend", std::vector<std::uint8_t>(48, 0x11),
                                          {{"compile_flags", "--accelerator-config=ethos-u55-64"}});
    const auto xnnpack = writer.addDelegate("XnnpackBackend", buildSampleXnnpackPayload(), {});
    writer.addDelegateCall(ethos, {input, npu});
    writer.addDelegateCall(xnnpack, {npu, result});
    const auto copy =
        writer.addTensor(Spec{PteScalarType::Char, {1, shapes.outputFeatures}, 0, true, 192});
    writer.addKernelCall(opName, "out", {result, copy, copy});
    writer.setInputs({input});
    writer.setOutputs({copy});
    const auto path = (testing::madeDir() / name).string();
    writer.write(path);
    return path;
}

} // namespace

TEST_CASE("partition ids follow the delegate index, as child graph ids do") {
    const auto info = infoJson(writeTwoDelegates("two_delegates.pte", "aten::clone"));
    const auto calls = partitionsOf(info, "forward");
    REQUIRE(calls.size() == 3);
    CHECK(calls[0]["id"] == "portable#0");
    CHECK(calls[0]["node_count"] == 1);
    CHECK(calls[1]["id"] == "EthosUBackend#0");
    CHECK(calls[1]["target"] == "ethos-u55-64");
    CHECK(calls[1]["child_graph"].is_null());
    CHECK(calls[1].contains("note"));
    CHECK(calls[2]["id"] == "XnnpackBackend#1");
    CHECK(calls[2]["child_graph"] == "forward/XnnpackBackend#1");
    CHECK(calls[2]["payload_bytes"] == buildSampleXnnpackPayload().size());

    const auto& child = graphWithId(info, "forward/XnnpackBackend#1");
    CHECK(child["parent"] == "forward");
    const auto inside = partitionsOf(info, "forward/XnnpackBackend#1");
    REQUIRE(inside.size() == 1);
    CHECK(inside[0]["id"] == "XnnpackBackend#1");
    CHECK(inside[0]["same_as"] == "forward XnnpackBackend#1");
    CHECK(inside[0]["payload_bytes"] == 0);
    CHECK(inside[0]["node_count"] == 2);
}

TEST_CASE("info --json prints names that are not UTF-8 with replacement characters") {
    const auto path = writeTwoDelegates("not_utf8.pte", "aten::caf\xe9");
    const auto json = run(runInfoCommand, {path, "--json"});
    const auto info = nlohmann::json::parse(json);
    CHECK(info["graphs"][0]["op_histogram"].contains("aten::caf\xef\xbf\xbd.out"));
    const auto text = run(runInfoCommand, {path});
    CHECK(text.find("aten::caf\xe9.out") != std::string::npos);
}
