// The text a drawn node shows and the size of its box, the same for every layout engine.
#pragma once

#include "core/graph.hpp"

#include <string>
#include <string_view>

namespace pteron {

// Attributes a drawn node may carry in place of its op and output type: a layer group's title
// ("CONV 3×3 s2") and detail ("int8[1,112,112,32], 4 stripes"), and that it stands for several.
inline constexpr std::string_view kDrawnTitle = "drawn_title";
inline constexpr std::string_view kDrawnDetail = "drawn_detail";
inline constexpr std::string_view kDrawnGroup = "drawn_group";

struct BoxSize {
    double width = 0;
    double height = 0;
};

// The first label line: the drawn title when the node has one, else its op.
std::string nodeTitleText(const Node& node);
// True for a node standing for a group of operations (it can be expanded like a child graph).
bool isDrawnGroup(const Node& node);
// The second label line: the first output's type, e.g. "int8[1,64,25,5]".
std::string nodeDetailText(const Graph& graph, const Node& node);

// Size of a node's box from its label, in points, so every engine lays out boxes of one size.
BoxSize operationBoxSize(const Graph& graph, const Node& node);
// Size of a graph input or output marker showing `text`, estimated from its characters.
BoxSize terminalBoxSize(std::string_view text);

} // namespace pteron
