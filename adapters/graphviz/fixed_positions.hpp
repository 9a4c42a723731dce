// Hands a layout made elsewhere (the layered layout) to Graphviz as fixed positions, so Graphviz
// renders it with its `nop2` engine instead of laying the graph out again with dot.
#pragma once

#include "adapters/graphviz/cgraph_builder.hpp"
#include "adapters/layout/graph_geometry.hpp"

namespace pteron {

// Sets pos, size and bb attributes on `build` from `layout`, whose nodes and edges must be in
// the build's order (graph inputs, operations, graph outputs). Edges of the build that the
// layout does not have (the invisible order edges) keep no position and are drawn straight.
// Graphviz is not thread-safe: call only while holding the LayoutService lock.
void fixPositions(CGraphBuild& build, const GraphLayout& layout);

} // namespace pteron
