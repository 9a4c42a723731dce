#include "views/graph/default_layout.hpp"

#include "adapters/graphviz/layout_service.hpp"
#include "views/graph/backend_colors.hpp"
#include "views/graph/graphviz_layout.hpp"

namespace pteron {

LayoutEngine defaultLayoutEngine() {
    return graphvizLayoutEngine(std::make_shared<LayoutService>(), backendPalette());
}

} // namespace pteron
