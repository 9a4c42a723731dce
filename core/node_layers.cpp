#include "core/node_layers.hpp"

#include <algorithm>
#include <map>

namespace pteron {

namespace {

template <typename T> const T* attributeAs(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    return attribute ? std::get_if<T>(&attribute->value) : nullptr;
}

} // namespace

std::optional<std::int64_t> nodeLayer(const Node& node) {
    const auto* layer = attributeAs<std::int64_t>(node, kLayerAttribute);
    if (!layer) return std::nullopt;
    return *layer;
}

std::vector<NodeLayer> nodeLayers(const Graph& graph) {
    std::map<std::int64_t, std::size_t> position;
    std::vector<NodeLayer> layers;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto& node = graph.nodes[n];
        const auto layer = nodeLayer(node);
        if (!layer) continue;
        auto [it, added] = position.emplace(*layer, layers.size());
        if (added) {
            NodeLayer fresh;
            fresh.id = *layer;
            if (const auto* label = attributeAs<std::string>(node, kLayerLabelAttribute))
                fresh.label = *label;
            if (const auto* kind = attributeAs<std::string>(node, kLayerKindAttribute))
                fresh.kind = *kind;
            if (const auto* stripes = attributeAs<std::int64_t>(node, kLayerStripesAttribute))
                fresh.stripes = *stripes;
            layers.push_back(std::move(fresh));
        }
        layers[it->second].nodes.push_back(n);
    }
    return layers;
}

} // namespace pteron
