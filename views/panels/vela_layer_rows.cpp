#include "views/panels/vela_layer_rows.hpp"

#include <algorithm>
#include <array>

namespace pteron {

namespace {

AttributeValue figure(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    return attribute ? attribute->value : AttributeValue{};
}

bool empty(const AttributeValue& value) {
    return std::holds_alternative<std::monostate>(value);
}

std::string nodeKey(const Graph& graph, const Node& node) {
    return graph.id + "/" + node.name;
}

// Models read without the report table (older exports) still carry the figures on their nodes.
ReportTable fromNodeFigures(const Model& model) {
    ReportTable table;
    table.name = "vela.per_layer";
    table.columns = {"Layer",     "NNG Operator", "Op Cycles",
                     "MAC Count", "Util% (MAC)",  std::string(kMatchedNodeColumn)};
    for (const auto& graph : model.graphs) {
        for (const auto& node : graph.nodes) {
            const std::array figures{figure(node, "vela.cycles"), figure(node, "vela.macs"),
                                     figure(node, "vela.util")};
            if (std::all_of(figures.begin(), figures.end(), empty)) continue;
            table.rows.push_back({node.name.empty() ? node.op : node.name,
                                  figure(node, "vela.nng_operator"), figures[0], figures[1],
                                  figures[2], nodeKey(graph, node)});
        }
    }
    return table;
}

} // namespace

ReportTable velaLayerRows(const Model& model) {
    if (const auto* table = model.findReportTable("vela.per_layer")) return *table;
    return fromNodeFigures(model);
}

std::optional<SelectionTarget> matchedNode(const Model& model, std::string_view matched) {
    if (matched.empty()) return std::nullopt;
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        const auto& graph = model.graphs[g];
        for (std::size_t n = 0; n < graph.nodes.size(); ++n)
            if (nodeKey(graph, graph.nodes[n]) == matched)
                return SelectionTarget{SelectionTarget::Kind::Node, g, n};
    }
    return std::nullopt;
}

} // namespace pteron
