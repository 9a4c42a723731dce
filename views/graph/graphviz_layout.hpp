// Graphviz dot as a layout engine of the views; very large graphs use the layered layout instead.
#pragma once

#include "adapters/layout/layered_layout.hpp"
#include "adapters/palette/backend_palette.hpp"
#include "views/graph/graph_layout.hpp"

#include <memory>

namespace pteron {

class LayoutService;

// An engine sharing `service` (Graphviz allows one caller at a time) with whoever else holds it.
LayoutEngine graphvizLayoutEngine(std::shared_ptr<LayoutService> service, BackendPalette palette,
                                  std::size_t dotNodeLimit = kDotNodeLimit);

} // namespace pteron
