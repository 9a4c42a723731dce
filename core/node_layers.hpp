// Layers: the runs of nodes a reader marks as implementing one source operator (the stripes of
// one convolution, the moves of one transpose), so views can draw each run as one group.
#pragma once

#include "core/graph.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

// Integer node attribute: the layer a node belongs to, numbered from 0 in execution order.
inline constexpr std::string_view kLayerAttribute = "layer";
// String node attribute: what the layer implements, "CONV 3×3 s2 → int8[1,112,112,32]".
inline constexpr std::string_view kLayerLabelAttribute = "layer_label";
// String node attribute: the whole feature map the layer writes, as a type: "int8[1,112,112,32]"
// (each stripe's own output value holds only its part).
inline constexpr std::string_view kLayerMapAttribute = "layer_map";
// String node attribute: the operation kind the layer is drawn as, "CONV", "TRANSPOSE".
inline constexpr std::string_view kLayerKindAttribute = "layer_kind";
// Integer node attribute: how many compute operations (stripes, moves) the layer has.
inline constexpr std::string_view kLayerStripesAttribute = "layer_stripes";

struct NodeLayer {
    std::int64_t id = 0;
    std::string kind;
    std::string label;
    std::int64_t stripes = 0;
    std::vector<std::size_t> nodes; // node indices, in execution order
};

// The layer attribute of a node, when it has one.
std::optional<std::int64_t> nodeLayer(const Node& node);

// Every layer of the graph, ordered by its first node.
std::vector<NodeLayer> nodeLayers(const Graph& graph);

} // namespace pteron
