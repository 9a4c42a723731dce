// Node positions and edge splines of a graph laid out by Graphviz dot, for the desktop views.
#pragma once

#include "adapters/graphviz/cgraph_builder.hpp"
#include "adapters/graphviz/layout_service.hpp"
#include "adapters/layout/graph_geometry.hpp"
#include "core/graph.hpp"

#include <atomic>
#include <cstdint>
#include <vector>

namespace pteron {

// Where dot runs. A forked child can be killed, so a cancel interrupts it; forking is safe only
// when no other thread can hold a lock the child needs (the allocator's, above all). In process,
// a cancel is seen before and after dot and the caller abandons a layout it no longer wants.
enum class LayoutIsolation : std::uint8_t { ChildProcess, InProcess };

struct LayoutOptions {
    CGraphOptions graph{.leftToRight = false, .clusters = true, .edgeLabels = false};
    BackendPalette palette = BackendPalette::builtIn();
    LayoutIsolation isolation = LayoutIsolation::ChildProcess;
};

// Safe to call from a worker thread. With ChildProcess isolation the layout runs in a child
// forked under `service`'s lock; raising `cancel` (may be null) at any time kills it and makes
// the call return a cancelled layout within milliseconds. Throws std::runtime_error when
// Graphviz fails or crashes (a crash ends only the child).
GraphLayout layoutGraph(LayoutService& service, const Graph& graph, const LayoutOptions& options,
                        const std::atomic<bool>* cancel);

} // namespace pteron
