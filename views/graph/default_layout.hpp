// The layout engine the application uses by default.
#pragma once

#include "views/graph/graph_layout.hpp"

namespace pteron {

// Graphviz dot through a new LayoutService (create one per application and share the engine),
// with the layered layout for graphs too large for dot.
LayoutEngine defaultLayoutEngine();

} // namespace pteron
