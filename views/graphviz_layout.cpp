#include "views/graphviz_layout.hpp"

#include "adapters/graphviz/graph_layout.hpp"
#include "views/layered_layout.hpp"

#include <algorithm>

namespace pteron {

namespace {

QPointF toScene(const LayoutPoint& point) {
    return {point.x, point.y};
}

QRectF boxAround(const LayoutNode& node) {
    return {node.center.x - node.width / 2, node.center.y - node.height / 2, node.width,
            node.height};
}

// The graph value a terminal stands for.
std::int64_t terminalValue(const Graph& graph, const LayoutNode& node) {
    const auto& list = node.kind == LayoutNodeKind::GraphInput ? graph.inputs : graph.outputs;
    return node.index < list.size() ? list[node.index] : kAbsentValue;
}

SceneLayout toSceneLayout(const Graph& graph, const GraphLayout& laid) {
    SceneLayout scene;
    scene.engine = "graphviz dot";
    scene.cancelled = laid.cancelled;
    if (laid.cancelled) return scene;
    scene.nodes.assign(graph.nodes.size(), QRectF());
    std::vector<std::size_t> graphNode(laid.nodes.size(), kNoNode);
    for (std::size_t i = 0; i < laid.nodes.size(); ++i) {
        const auto& node = laid.nodes[i];
        if (node.kind == LayoutNodeKind::Operation) {
            if (node.index >= graph.nodes.size()) continue;
            scene.nodes[node.index] = boxAround(node);
            graphNode[i] = node.index;
            continue;
        }
        scene.terminals.push_back(
            {node.kind == LayoutNodeKind::GraphInput, terminalValue(graph, node), boxAround(node)});
    }
    for (const auto& edge : laid.edges) {
        LaidOutEdge out;
        out.edge.from = edge.from < graphNode.size() ? graphNode[edge.from] : kNoNode;
        out.edge.to = edge.to < graphNode.size() ? graphNode[edge.to] : kNoNode;
        out.edge.value = edge.value;
        out.points.reserve(edge.points.size());
        for (const auto& point : edge.points)
            out.points.push_back(toScene(point));
        scene.edges.push_back(std::move(out));
    }
    for (const auto& cluster : laid.clusters)
        scene.clusters.push_back(
            {cluster.partition,
             QRectF(toScene(cluster.topLeft), QSizeF(cluster.width, cluster.height))});
    return scene;
}

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
        return toSceneLayout(graph, layoutGraph(*service, graph, options, cancel));
    };
}

} // namespace pteron
