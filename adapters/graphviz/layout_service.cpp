#include "adapters/graphviz/layout_service.hpp"

#include "adapters/graphviz/fixed_positions.hpp"
#include "adapters/layout/layered_layout.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <graphviz/gvplugin.h>

// Entry points of the Graphviz plugin libraries linked in (see adapters/CMakeLists.txt).
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
extern gvplugin_library_t gvplugin_neato_layout_LTX_library;
}

namespace pteron {

namespace {

// Frees the text gvRenderData hands back.
struct RenderedData {
    char* data = nullptr;
    unsigned int length = 0;
    RenderedData() = default;
    RenderedData(const RenderedData&) = delete;
    RenderedData& operator=(const RenderedData&) = delete;
    ~RenderedData() {
        if (data) gvFreeRenderData(data);
    }
};

GVC_t* builtInContext() {
    // Read-only table of plugin entry points linked into the program.
    static const lt_symlist_t kBuiltins[] = {
        {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
        {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
        {"gvplugin_neato_layout_LTX_library", &gvplugin_neato_layout_LTX_library},
        {nullptr, nullptr},
    };
    return gvContextPlugins(kBuiltins, 0);
}

} // namespace

LayoutService::LayoutService(GraphvizPlugins plugins)
    : plugins_(plugins),
      context_(plugins == GraphvizPlugins::BuiltIn ? builtInContext() : gvContext()) {
    if (!context_) throw std::runtime_error("Graphviz context could not be created");
}

std::string LayoutService::render(const Graph& graph, const BackendPalette& palette,
                                  std::string_view format, const CGraphOptions& options) {
    static constexpr std::array<std::string_view, 3> kFormats{"svg", "png", "dot"};
    if (std::find(kFormats.begin(), kFormats.end(), format) == kFormats.end())
        throw std::invalid_argument("unsupported render format " + std::string(format));
    if (format == "png" && plugins_ != GraphvizPlugins::System)
        throw std::invalid_argument("png needs the installed Graphviz plugins");

    // Above the app's limit the app's layered layout is used here too: the same picture, in
    // linear time where dot would take minutes.
    const bool layered = graph.nodes.size() > kDotNodeLimit;
    const auto positions =
        layered ? layeredGraphLayout(graph, estimatedSizes(graph), options.leftToRight, nullptr)
                : GraphLayout{};
    auto guard = lock();
    auto build = buildCGraph(graph, palette, options);
    if (layered) fixPositions(build, positions);
    const std::string engine = layered ? "nop2" : "dot";
    if (gvLayout(context(), build.graph.get(), engine.c_str()) != 0)
        throw std::runtime_error("Graphviz " + engine + " layout failed for graph " + graph.id);
    LayoutGuard layout(context(), build.graph.get());
    RenderedData rendered;
    const std::string formatName(format);
    if (gvRenderData(context(), build.graph.get(), formatName.c_str(), &rendered.data,
                     &rendered.length) != 0 ||
        !rendered.data)
        throw std::runtime_error("Graphviz could not render " + formatName);
    return std::string(rendered.data, rendered.length);
}

} // namespace pteron
