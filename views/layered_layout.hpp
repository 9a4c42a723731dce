// A simple layered layout (topological layers, barycentre ordering) used when Graphviz is absent.
#pragma once

#include "views/graph_layout.hpp"

namespace pteron {

SceneLayout layeredLayout(const Graph& graph, const LayoutSettings& settings,
                          const std::atomic<bool>* cancel);

} // namespace pteron
