#include "views/panels/node_search.hpp"

#include "views/graph/node_placement.hpp"

#include <algorithm>
#include <cctype>

namespace pteron {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string withoutSpaces(std::string text) {
    std::erase_if(text, [](unsigned char c) { return std::isspace(c) != 0; });
    return text;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return lower(haystack).find(needle) != std::string::npos;
}

std::string shapeText(const Value& value) {
    std::string text = "[";
    for (std::size_t i = 0; i < value.shape.size(); ++i)
        text += (i ? "," : "") + std::to_string(value.shape[i]);
    return text + "]";
}

template <typename Test> bool anyOperand(const Graph& graph, const Node& node, Test test) {
    auto check = [&](const std::vector<Operand>& operands) {
        return std::any_of(operands.begin(), operands.end(), [&](const Operand& operand) {
            const auto* value = graph.value(operand.value);
            return value && test(*value);
        });
    };
    return check(node.inputs) || check(node.outputs);
}

bool matches(const Graph& graph, const Node& node, const std::string& needle, SearchField field) {
    const auto& partition = nodePlacement(graph, node);
    switch (field) {
    case SearchField::Name:
        return contains(node.name, needle);
    case SearchField::Operator:
        return contains(node.op, needle);
    case SearchField::Backend:
        return contains(partition.backend, needle);
    case SearchField::DType:
        return anyOperand(graph, node, [&](const Value& v) {
            return lower(std::string(dtypeName(v.dtype))) == needle;
        });
    case SearchField::Shape: {
        auto bare = withoutSpaces(needle);
        if (bare.empty() || bare.front() != '[') bare = "[" + bare + "]";
        return anyOperand(graph, node,
                          [&](const Value& v) { return v.hasShape && shapeText(v) == bare; });
    }
    case SearchField::Any:
        break;
    }
    return contains(node.name, needle) || contains(node.op, needle) ||
           contains(partition.backend, needle);
}

} // namespace

std::vector<SearchHit> searchNodes(const Model& model, const std::string& text, SearchField field) {
    std::vector<SearchHit> hits;
    const auto needle = lower(text);
    if (needle.empty()) return hits;
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        const auto& graph = model.graphs[g];
        for (std::size_t n = 0; n < graph.nodes.size(); ++n)
            if (matches(graph, graph.nodes[n], needle, field)) hits.push_back({g, n});
    }
    return hits;
}

} // namespace pteron
