// The one way into Graphviz: owns its context and serialises every call with a mutex.
#pragma once

#include "adapters/graphviz/cgraph_builder.hpp"
#include "adapters/graphviz/graphviz_handles.hpp"
#include "adapters/palette/backend_palette.hpp"
#include "core/graph.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace pteron {

// Which Graphviz plugins a service uses. BuiltIn links dot layout and the core renderers (SVG,
// DOT) and sizes text from built-in font metrics: the same layout on every machine. System loads
// the installed plugins (PNG through cairo/pango). Graphviz 2.42's pango plugin caches a font
// name that dies with its context, so a process should create at most one System service.
enum class GraphvizPlugins : std::uint8_t { BuiltIn, System };

// Graphviz keeps global state, so threads share one service and take turns through lock().
// Create one per application and pass it to whatever lays out or renders.
class LayoutService {
  public:
    explicit LayoutService(GraphvizPlugins plugins = GraphvizPlugins::BuiltIn);
    LayoutService(const LayoutService&) = delete;
    LayoutService& operator=(const LayoutService&) = delete;

    // Held for the whole life of any cgraph object and every gv* call.
    std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
    // Only while holding lock().
    GVC_t* context() const { return context_.get(); }

    // Lays `graph` out with dot (above kDotNodeLimit operations with the layered layout) and
    // renders it as "svg", "dot" (DOT with positions) or, with
    // System plugins, "png"; throws std::invalid_argument for another format,
    // std::runtime_error when Graphviz fails.
    std::string render(const Graph& graph, const BackendPalette& palette, std::string_view format,
                       const CGraphOptions& options = {});

  private:
    GraphvizPlugins plugins_;
    std::mutex mutex_;
    GvContext context_;
};

} // namespace pteron
