// Graphviz dot as a layout engine of the views; very large graphs use the layered layout instead.
#pragma once

#include "adapters/palette/backend_palette.hpp"
#include "views/graph_layout.hpp"

#include <memory>

namespace pteron {

class LayoutService;

// Above this many nodes dot takes too long for an interactive view (a 984-node Ethos-U command
// stream took over a minute).
inline constexpr std::size_t kDotNodeLimit = 400;

// An engine sharing `service` (Graphviz allows one caller at a time) with whoever else holds it.
LayoutEngine graphvizLayoutEngine(std::shared_ptr<LayoutService> service, BackendPalette palette,
                                  std::size_t dotNodeLimit = kDotNodeLimit);

} // namespace pteron
