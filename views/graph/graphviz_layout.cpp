#include "views/graph/graphviz_layout.hpp"

#include "adapters/graphviz/graph_layout.hpp"
#include "views/graph/layered_layout.hpp"

#include <algorithm>

namespace pteron {

namespace {

// GCC 12's AddressSanitizer allocator is not fork-safe while other threads allocate, as the UI
// thread always may; a sanitized build lays out in process and abandons cancelled layouts.
#if defined(__SANITIZE_ADDRESS__)
constexpr auto kLayoutIsolation = LayoutIsolation::InProcess;
#else
constexpr auto kLayoutIsolation = LayoutIsolation::ChildProcess;
#endif

} // namespace

LayoutEngine graphvizLayoutEngine(std::shared_ptr<LayoutService> service, BackendPalette palette,
                                  std::size_t dotNodeLimit) {
    return [service = std::move(service), palette = std::move(palette),
            dotNodeLimit](const Graph& graph, const LayoutSettings& settings,
                          const std::atomic<bool>* cancel) {
        if (graph.nodes.size() > dotNodeLimit) return layeredLayout(graph, settings, cancel);
        LayoutOptions options;
        options.graph.leftToRight = settings.horizontal;
        options.graph.edgeLabels = false; // the scene draws its own, so they can be toggled
        // Boxes around host partitions whose kernels interleave only tangle the drawing;
        // clusters help where work is handed to a delegate or another device.
        options.graph.clusters = std::any_of(
            graph.partitions.begin(), graph.partitions.end(), [](const Partition& partition) {
                return partition.delegated || partition.device != DeviceClass::CPU;
            });
        options.graph.operationSizes.reserve(graph.nodes.size());
        for (const auto& node : graph.nodes) {
            const auto size = nodeBoxSize(graph, node);
            options.graph.operationSizes.push_back({size.width(), size.height()});
        }
        options.palette = palette;
        options.isolation = kLayoutIsolation;
        return toSceneLayout(graph, layoutGraph(*service, graph, options, cancel), "graphviz dot");
    };
}

} // namespace pteron
