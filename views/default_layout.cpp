#include "views/default_layout.hpp"

#include "adapters/graphviz/layout_service.hpp"
#include "views/backend_colors.hpp"
#include "views/graphviz_layout.hpp"

namespace pteron {

LayoutEngine defaultLayoutEngine() {
    return graphvizLayoutEngine(std::make_shared<LayoutService>(), backendPalette());
}

} // namespace pteron
