// The layered layout of adapters/layout with boxes measured as the scene draws them.
#pragma once

#include "views/graph/graph_layout.hpp"

namespace pteron {

SceneLayout layeredLayout(const Graph& graph, const LayoutSettings& settings,
                          const std::atomic<bool>* cancel);

} // namespace pteron
