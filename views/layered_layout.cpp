#include "views/layered_layout.hpp"

#include <algorithm>
#include <numeric>

namespace pteron {

namespace {

constexpr double kLayerGap = 56.0;
constexpr double kWideLayerGap = 120.0; // left to right: room for an edge label between layers
constexpr double kNodeGap = 28.0;
// A layer wider than this is drawn as several rows: a fan-out of hundreds of NPU operations
// (a transpose done as one pooling per row) would otherwise be one row many screens wide.
constexpr std::size_t kMaxRowNodes = 12;

bool isCancelled(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

// Layer of each node: one past its deepest producer; nodes come in execution order. A node
// without producers (a weight load, a DMA) sits just before its first consumer rather than in
// the first layer, and a node with neither producers nor consumers (a wait) next to the node
// executed before it, so command streams read top to bottom instead of as one wide row.
std::vector<std::size_t> assignLayers(std::size_t count, const std::vector<GraphEdge>& edges) {
    std::vector<std::vector<std::size_t>> producers(count);
    std::vector<std::vector<std::size_t>> consumers(count);
    for (const auto& edge : edges) {
        if (edge.from >= edge.to) continue;
        producers[edge.to].push_back(edge.from);
        consumers[edge.from].push_back(edge.to);
    }
    std::vector<std::size_t> layer(count, 0);
    for (std::size_t i = 0; i < count; ++i)
        for (auto from : producers[i])
            layer[i] = std::max(layer[i], layer[from] + 1);
    // Consumers of a source are all at layer >= 1, so moving the source down keeps every edge
    // pointing to a later layer.
    for (std::size_t i = 0; i < count; ++i) {
        if (!producers[i].empty() || consumers[i].empty()) continue;
        std::size_t first = layer[consumers[i].front()];
        for (auto to : consumers[i])
            first = std::min(first, layer[to]);
        layer[i] = first > 0 ? first - 1 : 0;
    }
    for (std::size_t i = 1; i < count; ++i)
        if (producers[i].empty() && consumers[i].empty()) layer[i] = layer[i - 1];
    return layer;
}

std::vector<std::vector<std::size_t>> wrapRows(const std::vector<std::vector<std::size_t>>& rows) {
    std::vector<std::vector<std::size_t>> wrapped;
    wrapped.reserve(rows.size());
    for (const auto& row : rows)
        for (std::size_t first = 0; first < row.size(); first += kMaxRowNodes)
            wrapped.emplace_back(row.begin() + std::ptrdiff_t(first),
                                 row.begin() +
                                     std::ptrdiff_t(std::min(row.size(), first + kMaxRowNodes)));
    return wrapped;
}

// Nodes of each layer, ordered by the mean position of their producers to reduce crossings.
std::vector<std::vector<std::size_t>> orderLayers(const std::vector<std::size_t>& layer,
                                                  const std::vector<GraphEdge>& edges) {
    const auto layerCount = layer.empty() ? 0 : *std::max_element(layer.begin(), layer.end()) + 1;
    std::vector<std::vector<std::size_t>> rows(layerCount);
    for (std::size_t i = 0; i < layer.size(); ++i)
        rows[layer[i]].push_back(i);

    std::vector<std::vector<std::size_t>> producers(layer.size());
    for (const auto& edge : edges)
        if (edge.from < edge.to) producers[edge.to].push_back(edge.from);

    std::vector<double> position(layer.size(), 0.0);
    for (auto& row : rows) {
        std::vector<double> key(row.size());
        for (std::size_t k = 0; k < row.size(); ++k) {
            const auto& from = producers[row[k]];
            if (from.empty()) {
                key[k] = static_cast<double>(k);
                continue;
            }
            double sum = 0;
            for (auto f : from)
                sum += position[f];
            key[k] = sum / static_cast<double>(from.size());
        }
        std::vector<std::size_t> order(row.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
        std::vector<std::size_t> sorted;
        sorted.reserve(row.size());
        for (auto k : order)
            sorted.push_back(row[k]);
        row = std::move(sorted);
        for (std::size_t k = 0; k < row.size(); ++k)
            position[row[k]] = static_cast<double>(k);
    }
    return wrapRows(rows);
}

// Places each row centred on the axis; `horizontal` turns rows into columns.
std::vector<QRectF> placeRows(const Graph& graph, const std::vector<std::vector<std::size_t>>& rows,
                              bool horizontal) {
    std::vector<QRectF> boxes(graph.nodes.size());
    double depth = 0;
    for (const auto& row : rows) {
        double extent = 0;
        double thickness = 0;
        for (auto i : row) {
            const auto size = nodeBoxSize(graph, graph.nodes[i]);
            extent += (horizontal ? size.height() : size.width()) + kNodeGap;
            thickness = std::max(thickness, horizontal ? size.width() : size.height());
        }
        double along = -extent / 2;
        for (auto i : row) {
            const auto size = nodeBoxSize(graph, graph.nodes[i]);
            if (horizontal) {
                boxes[i] = QRectF(QPointF(depth + (thickness - size.width()) / 2, along), size);
                along += size.height() + kNodeGap;
            } else {
                boxes[i] = QRectF(QPointF(along, depth), size);
                along += size.width() + kNodeGap;
            }
        }
        depth += thickness + (horizontal ? kWideLayerGap : kLayerGap);
    }
    return boxes;
}

LaidOutEdge routeEdge(const GraphEdge& edge, const std::vector<QRectF>& boxes, bool horizontal) {
    const auto& a = boxes[edge.from];
    const auto& b = boxes[edge.to];
    const QPointF start =
        horizontal ? QPointF(a.right(), a.center().y()) : QPointF(a.center().x(), a.bottom());
    const QPointF end =
        horizontal ? QPointF(b.left(), b.center().y()) : QPointF(b.center().x(), b.top());
    const QPointF bend =
        horizontal ? QPointF((end.x() - start.x()) / 2, 0) : QPointF(0, (end.y() - start.y()) / 2);
    return {edge, {start, start + bend, end - bend, end}};
}

SceneLayout cancelled() {
    SceneLayout layout;
    layout.engine = "layered";
    layout.cancelled = true;
    return layout;
}

} // namespace

SceneLayout layeredLayout(const Graph& graph, const LayoutSettings& settings,
                          const std::atomic<bool>* cancel) {
    SceneLayout layout;
    layout.engine = "layered";
    const auto edges = graphEdges(graph);
    if (isCancelled(cancel)) return cancelled();
    const auto rows = orderLayers(assignLayers(graph.nodes.size(), edges), edges);
    if (isCancelled(cancel)) return cancelled();
    layout.nodes = placeRows(graph, rows, settings.horizontal);
    layout.edges.reserve(edges.size());
    for (const auto& edge : edges) {
        if (isCancelled(cancel)) return cancelled();
        layout.edges.push_back(routeEdge(edge, layout.nodes, settings.horizontal));
    }
    return layout;
}

} // namespace pteron
