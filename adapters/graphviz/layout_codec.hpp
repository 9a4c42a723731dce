// Flat byte encoding of a GraphLayout, to carry it from the layout process to its caller.
#pragma once

#include "adapters/graphviz/graph_layout.hpp"

#include <string>
#include <string_view>

namespace pteron {

std::string encodeLayout(const GraphLayout& layout);
// Throws std::runtime_error when `bytes` is not a whole encoded layout.
GraphLayout decodeLayout(std::string_view bytes);

} // namespace pteron
