#include "adapters/graphviz/graph_layout.hpp"
#include "adapters/graphviz/layout_service.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <regex>

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
    CHECK(count(svg, "<g id=\"clust") == 2); // cortex_m#0 and EthosUBackend#0
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

TEST_CASE("layouts on several threads share one service safely") {
    const auto kws = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto mv2 = open("pte/arm_mv2_ethosu55_128_int8.pte");
    LayoutService service;
    auto first = std::async(std::launch::async,
                            [&] { return layoutGraph(service, kws.graphs.front(), {}, nullptr); });
    auto second = std::async(std::launch::async,
                             [&] { return layoutGraph(service, mv2.graphs.front(), {}, nullptr); });
    CHECK(first.get().nodes.size() == drawnNodes(kws.graphs.front()));
    CHECK(second.get().nodes.size() == drawnNodes(mv2.graphs.front()));
}

TEST_CASE("an unknown render format is refused") {
    const auto model = open("pte/et_arduino_add_portable.pte");
    LayoutService service;
    CHECK_THROWS_AS(service.render(model.graphs.front(), BackendPalette::builtIn(), "bmpx"),
                    std::invalid_argument);
}
