#include "adapters/graphviz/graph_layout.hpp"
#include "adapters/graphviz/layout_codec.hpp"
#include "adapters/graphviz/layout_service.hpp"
#include "adapters/layout/layered_layout.hpp"
#include "app/cli/command_line.hpp"
#include "app/cli/render_command.hpp"
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <sstream>
#include <thread>

using namespace pteron;
using testing::fixture;

namespace {

Model open(const std::string& relative) {
    return FormatRegistry::standard().open(fixture(relative));
}

// The MobileNetV2 TOSA main graph: the biggest fixture graph dot lays out in seconds (the
// Ethos-U command streams are bigger but their dependency edges make dot take minutes).
const Graph& mobileNet(const Model& model) {
    REQUIRE_FALSE(model.graphs.empty());
    return model.graphs.front();
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t found = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++found;
    return found;
}

std::size_t drawnNodes(const Graph& graph) {
    return graph.nodes.size() + graph.inputs.size() + graph.outputs.size();
}

// Problems with the element structure of an XML text: every tag closed in order, one root.
std::string xmlProblem(const std::string& text) {
    std::vector<std::string> open;
    std::size_t roots = 0;
    for (auto at = text.find('<'); at != std::string::npos; at = text.find('<', at + 1)) {
        if (text.compare(at, 4, "<!--") == 0) {
            at = text.find("-->", at);
            if (at == std::string::npos) return "unclosed comment";
            continue;
        }
        const auto end = text.find('>', at);
        if (end == std::string::npos) return "unclosed tag at " + std::to_string(at);
        const auto tag = text.substr(at + 1, end - at - 1);
        if (tag.empty()) return "empty tag at " + std::to_string(at);
        if (tag[0] == '?' || tag[0] == '!') continue; // declaration, DOCTYPE
        if (tag[0] == '/') {
            if (open.empty() || open.back() != tag.substr(1))
                return "</" + tag.substr(1) + "> closes " +
                       (open.empty() ? "nothing" : open.back());
            open.pop_back();
            continue;
        }
        if (open.empty()) ++roots;
        if (tag.back() == '/') continue;
        open.push_back(tag.substr(0, tag.find_first_of(" \t\n")));
    }
    if (!open.empty()) return "<" + open.back() + "> never closed";
    if (roots != 1) return std::to_string(roots) + " root elements";
    return {};
}

std::vector<std::string> allFixtureFiles() {
    std::vector<std::string> files;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(testing::fixturesDir())) {
        const auto name = entry.path().filename().string();
        if (entry.is_regular_file() && name != "MANIFEST.md" && name != "SHA256SUMS")
            files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// A chain whose every node also reads two far earlier values: thousands of crossing edges that
// keep dot busy for many seconds when its search is not capped.
Graph tangledGraph(std::size_t nodeCount) {
    Graph graph;
    graph.id = "tangled";
    const auto host = graph.hostPartition("portable");
    auto valueOf = [&graph](const std::string& name) {
        Value value;
        value.name = name;
        value.dtype = DType::Int8;
        value.shape = {1, 8};
        value.hasShape = true;
        return static_cast<std::int64_t>(graph.addValue(value));
    };
    std::vector<std::int64_t> made{valueOf("input")};
    graph.inputs.push_back(made.front());
    std::uint32_t seed = 12345;
    auto pick = [&seed, &made] {
        seed = seed * 1103515245u + 12345u;
        return made[(seed >> 8) % made.size()];
    };
    for (std::size_t i = 0; i < nodeCount; ++i) {
        Node node;
        node.op = "tosa.ADD";
        node.partition = host;
        node.inputs = {{made.back(), "a"}, {pick(), "b"}, {pick(), "c"}};
        const auto out = valueOf("t" + std::to_string(i));
        node.outputs = {{out, "out"}};
        made.push_back(out);
        graph.nodes.push_back(std::move(node));
    }
    graph.outputs.push_back(made.back());
    return graph;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int render(std::vector<std::string> args) {
    std::ostringstream out;
    return runRenderCommand(args, out);
}

} // namespace

TEST_CASE("the MobileNetV2 TOSA graph renders to SVG with one element per node") {
    const auto model = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto& graph = mobileNet(model);
    REQUIRE(graph.nodes.size() > 100);
    LayoutService service;
    const auto svg = service.render(graph, BackendPalette::builtIn(), "svg");
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(count(svg, "<g id=\"node") == drawnNodes(graph));
    CHECK(count(svg, "<g id=\"edge") > graph.nodes.size() / 2);
    // The first op's label is in the drawing.
    CHECK(svg.find(">" + graph.nodes.front().op + "<") != std::string::npos);
}

TEST_CASE("partitions become coloured clusters") {
    const auto model = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto* forward = model.findGraph("forward");
    REQUIRE(forward != nullptr);
    LayoutService service;
    const auto palette = BackendPalette::builtIn();
    const auto svg = service.render(*forward, palette, "svg");
    // EthosUBackend#0 only: the host's cortex_m kernels around it stay loose.
    CHECK(count(svg, "<g id=\"clust") == 1);
    CHECK(svg.find("EthosUBackend#0 (ethos&#45;u55&#45;128)") != std::string::npos);
    CHECK(svg.find("fill=\"" + palette.color("EthosUBackend", "NPU") + "\"") != std::string::npos);
    CHECK(svg.find(">int8[1,3,224,224]<") != std::string::npos); // edge label: the value's type
}

TEST_CASE("DOT output parses back with the same nodes") {
    const auto model = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto& graph = model.graphs.front();
    LayoutService service;
    const auto dot = service.render(graph, BackendPalette::builtIn(), "dot");
    auto lock = service.lock();
    CGraph parsed(agmemread(dot.c_str()));
    REQUIRE(parsed);
    CHECK(static_cast<std::size_t>(agnnodes(parsed.get())) == drawnNodes(graph));
    // Edges from weights are not drawn: one per activation input plus the graph output.
    CHECK(agnedges(parsed.get()) >= static_cast<int>(graph.nodes.size()));
}

TEST_CASE("layout gives one box per node inside the drawing and splines per edge") {
    const auto model = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto& graph = model.graphs.front();
    LayoutService service;
    const auto layout = layoutGraph(service, graph, {}, nullptr);
    CHECK_FALSE(layout.cancelled);
    REQUIRE(layout.nodes.size() == drawnNodes(graph));
    CHECK(layout.nodes.front().kind == LayoutNodeKind::GraphInput);
    CHECK(layout.nodes.back().kind == LayoutNodeKind::GraphOutput);
    for (const auto& node : layout.nodes) {
        CHECK(node.width > 0);
        CHECK(node.height > 0);
        CHECK(node.center.x >= 0);
        CHECK(node.center.x <= layout.width);
        CHECK(node.center.y >= 0);
        CHECK(node.center.y <= layout.height);
    }
    // Top to bottom: the input sits above the first op, the output below the last.
    CHECK(layout.nodes.front().center.y < layout.nodes[graph.inputs.size()].center.y);
    CHECK(layout.nodes.back().center.y > layout.nodes[graph.inputs.size()].center.y);
    REQUIRE_FALSE(layout.edges.empty());
    for (const auto& edge : layout.edges)
        CHECK(edge.points.size() >= 4);
}

TEST_CASE("a raised cancel flag returns an empty cancelled layout") {
    const auto model = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    LayoutService service;
    std::atomic<bool> cancel{true};
    const auto layout = layoutGraph(service, model.graphs.front(), {}, &cancel);
    CHECK(layout.cancelled);
    CHECK(layout.nodes.empty());
    CHECK(layout.edges.empty());
    cancel = false;
    CHECK_FALSE(layoutGraph(service, model.graphs.front(), {}, &cancel).cancelled);
}

TEST_CASE("in-process and child-process layouts place every node alike") {
    const auto model = open("pte/arm_mv2_ethosu55_128_int8.pte");
    LayoutService service;
    LayoutOptions inProcess;
    inProcess.isolation = LayoutIsolation::InProcess;
    const auto here = layoutGraph(service, model.graphs.front(), inProcess, nullptr);
    const auto child = layoutGraph(service, model.graphs.front(), {}, nullptr);
    REQUIRE(here.nodes.size() == drawnNodes(model.graphs.front()));
    REQUIRE(here.nodes.size() == child.nodes.size());
    CHECK(here.width == Approx(child.width));
    for (std::size_t n = 0; n < here.nodes.size(); ++n) {
        CHECK(here.nodes[n].center.x == Approx(child.nodes[n].center.x));
        CHECK(here.nodes[n].center.y == Approx(child.nodes[n].center.y));
    }
    // In process, a cancel raised beforehand still stops it.
    std::atomic<bool> cancel{true};
    CHECK(layoutGraph(service, model.graphs.front(), inProcess, &cancel).cancelled);
}

TEST_CASE("layouts on several threads share one service safely") {
    // In process: forking while another thread of this process allocates is not safe under
    // every allocator (the sanitizers' among them).
    const auto kws = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto mv2 = open("pte/arm_mv2_ethosu55_128_int8.pte");
    LayoutService service;
    LayoutOptions options;
    options.isolation = LayoutIsolation::InProcess;
    auto first = std::async(std::launch::async, [&] {
        return layoutGraph(service, kws.graphs.front(), options, nullptr);
    });
    auto second = std::async(std::launch::async, [&] {
        return layoutGraph(service, mv2.graphs.front(), options, nullptr);
    });
    CHECK(first.get().nodes.size() == drawnNodes(kws.graphs.front()));
    CHECK(second.get().nodes.size() == drawnNodes(mv2.graphs.front()));
}

TEST_CASE("an unknown render format is refused") {
    const auto model = open("pte/et_arduino_add_portable.pte");
    LayoutService service;
    CHECK_THROWS_AS(service.render(model.graphs.front(), BackendPalette::builtIn(), "bmpx"),
                    std::invalid_argument);
}

TEST_CASE("the top graph of every fixture that opens renders to well-formed SVG") {
    LayoutService service;
    std::size_t rendered = 0;
    for (const auto& path : allFixtureFiles()) {
        Model model;
        try {
            model = FormatRegistry::standard().open(path);
        } catch (const FormatError&) {
            continue; // the model explorer test requires every fixture but one to open
        }
        const auto top = model.topLevelGraphs();
        if (top.empty()) continue; // a Vela summary report: figures, no graph
        const auto& graph = model.graphs[top.front()];
        INFO(path << " graph " << graph.id);
        const auto svg = service.render(graph, BackendPalette::builtIn(), "svg");
        CHECK(xmlProblem(svg) == "");
        CHECK(svg.find("<svg") != std::string::npos);
        CHECK(count(svg, "<g id=\"node") == drawnNodes(graph));
        ++rendered;
    }
    CHECK(rendered >= 35);
}

TEST_CASE("a Vela model's CPU operators between single-operator NPU clusters render") {
    // 48 CPU operators between 49 ethos-u operators: boxing the CPU partition made Graphviz 2.42
    // free its layout twice.
    const auto model = open("tflite/himax_kwt1_relu_mfcc_vela.tflite");
    const auto& graph = model.graphs[model.topLevelGraphs().front()];
    REQUIRE(graph.nodes.size() == 97);
    LayoutService service;
    const auto svg = service.render(graph, BackendPalette::builtIn(), "svg");
    CHECK(xmlProblem(svg).empty());
    CHECK(count(svg, "<g id=\"clust") == 49);
    CHECK(count(svg, "<g id=\"node") == drawnNodes(graph));
}

TEST_CASE("a cancel raised during a long layout ends it and returns a cancelled layout") {
    const auto graph = tangledGraph(1500);
    LayoutService service;
    LayoutOptions options;
    options.graph.largeGraphNodes = std::numeric_limits<std::size_t>::max(); // no search caps
    std::atomic<bool> cancel{false};
    auto layout = std::async(std::launch::async,
                             [&] { return layoutGraph(service, graph, options, &cancel); });
    using namespace std::chrono_literals;
    // Still running well after it started: dot needs far longer for this graph.
    REQUIRE(layout.wait_for(500ms) == std::future_status::timeout);
    cancel = true;
    // Generous bound: the call polls every 10 ms; a blocked gvLayout would take minutes.
    REQUIRE(layout.wait_for(10s) == std::future_status::ready);
    const auto result = layout.get();
    CHECK(result.cancelled);
    CHECK(result.nodes.empty());
    // The service stays usable: the next layout runs to the end.
    cancel = false;
    const auto small = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    CHECK(layoutGraph(service, small.graphs.front(), {}, &cancel).nodes.size() ==
          drawnNodes(small.graphs.front()));
}

TEST_CASE("layouts survive the trip from the layout process intact") {
    GraphLayout layout;
    layout.width = 120.5;
    layout.height = 80.25;
    layout.nodes.push_back({LayoutNodeKind::GraphOutput, 3, {10, 20}, 54, 36});
    layout.edges.push_back({0, 0, 7, {{1, 2}, {3, 4}, {5, 6}, {7, 8}}});
    layout.clusters.push_back({2, {1.5, 2.5}, 30, 40});
    const auto bytes = encodeLayout(layout);
    const auto back = decodeLayout(bytes);
    CHECK(back.width == 120.5);
    REQUIRE(back.nodes.size() == 1);
    CHECK(back.nodes[0].kind == LayoutNodeKind::GraphOutput);
    CHECK(back.nodes[0].index == 3);
    CHECK(back.nodes[0].center.y == 20);
    REQUIRE(back.edges.size() == 1);
    CHECK(back.edges[0].value == 7);
    CHECK(back.edges[0].points.back().x == 7);
    REQUIRE(back.clusters.size() == 1);
    CHECK(back.clusters[0].topLeft.y == 2.5);
    CHECK_THROWS_AS(decodeLayout(std::string_view(bytes).substr(0, bytes.size() - 1)),
                    std::runtime_error);
    CHECK_THROWS_AS(decodeLayout(bytes + "x"), std::runtime_error);
}

TEST_CASE("pteron render writes SVG, DOT and PNG files of the chosen graph") {
    const auto dir = testing::madeDir() / "render";
    std::filesystem::create_directories(dir);
    const auto pte = fixture("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto model = open("pte/arm_mv2_ethosu55_128_int8.pte");

    const auto svgPath = dir / "forward.svg";
    REQUIRE(render({pte, "-o", svgPath.string()}) == 0);
    const auto svg = readFile(svgPath);
    CHECK(xmlProblem(svg).empty());
    CHECK(count(svg, "<g id=\"node") == drawnNodes(*model.findGraph("forward")));

    // The 60-operation command stream of a Vela model, chosen by id.
    const auto dotPath = dir / "npu.dot";
    const auto vela = fixture("tflite/arm_mlek_kws_micronet_m_vela_H128.tflite");
    REQUIRE(render({vela, "--graph", "subgraph0/ethos-u#0", "-o", dotPath.string()}) == 0);
    const auto dot = readFile(dotPath);
    CHECK(dot.rfind("digraph", 0) == 0);
    CHECK(dot.find("ethosu.CONV") != std::string::npos);
    const auto velaModel = FormatRegistry::standard().open(vela);
    const auto* stream = velaModel.findGraph("subgraph0/ethos-u#0");
    REQUIRE(stream != nullptr);
    {
        LayoutService service;
        auto lock = service.lock();
        CGraph parsed(agmemread(dot.c_str()));
        REQUIRE(parsed);
        CHECK(static_cast<std::size_t>(agnnodes(parsed.get())) == drawnNodes(*stream));
    }

    const auto pngPath = dir / "forward.png";
    REQUIRE(render({pte, "--left-to-right", "-o", pngPath.string()}) == 0);
    const auto png = readFile(pngPath);
    REQUIRE(png.size() > 8);
    CHECK(png.substr(1, 3) == "PNG");

    CHECK_THROWS_AS(render({pte, "--graph", "nope", "-o", svgPath.string()}), UsageError);
    CHECK_THROWS_AS(render({pte, "-o", (dir / "x.bmpx").string()}), UsageError);
}

TEST_CASE("graphs above the large-graph threshold get capped search and no edge labels") {
    LayoutService service;
    const auto palette = BackendPalette::builtIn();
    auto lock = service.lock();
    auto attribute = [](void* object, const char* name) {
        const char* value = agget(object, const_cast<char*>(name));
        return std::string(value ? value : "");
    };
    const auto small = buildCGraph(tangledGraph(50), palette, {});
    CHECK(attribute(small.graph.get(), "nslimit").empty());
    CHECK(attribute(small.edges.front().edge, "label") == "int8[1,8]");

    const auto large = tangledGraph(CGraphOptions{}.largeGraphNodes + 1);
    const auto build = buildCGraph(large, palette, {});
    CHECK(attribute(build.graph.get(), "nslimit") == "0.1");
    CHECK(attribute(build.graph.get(), "mclimit") == "0.01");
    CHECK(attribute(build.graph.get(), "splines") == "line");
    REQUIRE(build.edges.size() > large.nodes.size());
    for (const auto& edge : build.edges)
        CHECK(attribute(edge.edge, "label").empty());
}

TEST_CASE("pteron render draws graphs above the dot limit at the layered layout's positions") {
    const auto dir = testing::madeDir() / "render";
    std::filesystem::create_directories(dir);
    const auto pte = fixture("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto model = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto* stream = model.findGraph("forward/EthosUBackend#0");
    REQUIRE(stream != nullptr);
    REQUIRE(stream->nodes.size() > kDotNodeLimit);

    const auto dotPath = dir / "stream.dot";
    REQUIRE(render({pte, "--graph", "forward/EthosUBackend#0", "-o", dotPath.string()}) == 0);
    const auto dot = readFile(dotPath);
    const auto layout = layeredGraphLayout(*stream, estimatedSizes(*stream), false, nullptr);
    REQUIRE(layout.nodes.size() == drawnNodes(*stream));

    LayoutService service;
    auto lock = service.lock();
    CGraph parsed(agmemread(dot.c_str()));
    REQUIRE(parsed);
    CHECK(static_cast<std::size_t>(agnnodes(parsed.get())) == drawnNodes(*stream));
    // Graphviz's y axis grows upwards from the bottom of the drawing.
    std::size_t compared = 0;
    for (const auto& placed : layout.nodes) {
        if (placed.kind != LayoutNodeKind::Operation) continue;
        const auto name = "n" + std::to_string(placed.index);
        Agnode_t* node = agnode(parsed.get(), const_cast<char*>(name.c_str()), 0);
        REQUIRE(node != nullptr);
        const char* pos = agget(node, const_cast<char*>("pos"));
        REQUIRE(pos != nullptr);
        double x = 0;
        double y = 0;
        REQUIRE(std::sscanf(pos, "%lf,%lf", &x, &y) == 2);
        CHECK(std::abs(x - placed.center.x) < 1.0);
        CHECK(std::abs(y - (layout.height - placed.center.y)) < 1.0);
        ++compared;
    }
    CHECK(compared == stream->nodes.size());
    // Every data edge runs down the page, in execution order.
    for (const auto& edge : layout.edges)
        CHECK(layout.nodes[edge.from].center.y < layout.nodes[edge.to].center.y);
}

TEST_CASE("the layered layout keeps every node inside the drawing and can be cancelled") {
    const auto model = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto& graph = *model.findGraph("forward");
    const auto layout = layeredGraphLayout(graph, estimatedSizes(graph), false, nullptr);
    REQUIRE(layout.nodes.size() == drawnNodes(graph));
    for (const auto& node : layout.nodes) {
        CHECK(node.center.x - node.width / 2 >= 0);
        CHECK(node.center.y - node.height / 2 >= 0);
        CHECK(node.center.x + node.width / 2 <= layout.width);
        CHECK(node.center.y + node.height / 2 <= layout.height);
    }
    CHECK(layout.nodes.front().kind == LayoutNodeKind::GraphInput);
    CHECK(layout.nodes.back().kind == LayoutNodeKind::GraphOutput);
    std::atomic<bool> cancel{true};
    CHECK(layeredGraphLayout(graph, estimatedSizes(graph), false, &cancel).cancelled);
}
