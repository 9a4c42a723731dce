#include "views/graph/graph_layout.hpp"

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

} // namespace

SceneLayout toSceneLayout(const Graph& graph, const GraphLayout& laid, std::string engine) {
    SceneLayout scene;
    scene.engine = std::move(engine);
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

QSizeF nodeBoxSize(const Graph& graph, const Node& node) {
    const auto size = operationBoxSize(graph, node);
    return {size.width, size.height};
}

} // namespace pteron
