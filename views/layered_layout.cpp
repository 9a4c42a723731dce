#include "views/layered_layout.hpp"

#include "adapters/common/partition_label.hpp"

#include <QFont>
#include <QFontMetricsF>

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace pteron {

namespace {

constexpr double kLayerGap = 56.0;
constexpr double kWideLayerGap = 120.0; // left to right: room for an edge label between layers
constexpr double kNodeGap = 28.0;
constexpr double kTerminalHeight = 28.0;
constexpr double kClusterMargin = 14.0;
constexpr double kClusterTitle = 18.0;
// A layer wider than this is drawn as several rows: a fan-out of hundreds of NPU operations
// (a transpose done as one pooling per row) would otherwise be one row many screens wide.
constexpr std::size_t kMaxRowNodes = 12;

bool isCancelled(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

// What is laid out: graph inputs first, then the nodes in execution order, then graph outputs,
// so every edge points from a lower to a higher index.
struct Plan {
    std::size_t inputs = 0;
    std::size_t nodes = 0;
    std::size_t outputs = 0;
    std::vector<GraphEdge> edges; // in plan indices
    std::vector<bool> constant;   // a node that reads nothing (a TOSA CONST): drawn beside its user
    std::size_t size() const { return inputs + nodes + outputs; }
    bool isNode(std::size_t i) const { return i >= inputs && i < inputs + nodes; }
};

Plan makePlan(const Graph& graph, const std::vector<GraphEdge>& nodeEdges) {
    Plan plan;
    plan.inputs = graph.inputs.size();
    plan.nodes = graph.nodes.size();
    plan.outputs = graph.outputs.size();
    plan.constant.assign(plan.size(), false);
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        plan.constant[plan.inputs + n] =
            graph.nodes[n].inputs.empty() && !graph.nodes[n].outputs.empty();
    for (const auto& edge : nodeEdges)
        plan.edges.push_back({edge.from + plan.inputs, edge.to + plan.inputs, edge.value});
    std::unordered_map<std::int64_t, std::size_t> lastWriter;
    std::unordered_set<std::int64_t> written;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        for (const auto& output : graph.nodes[n].outputs) {
            lastWriter[output.value] = n;
            written.insert(output.value);
        }
    std::unordered_map<std::int64_t, std::size_t> inputPosition;
    for (std::size_t k = 0; k < graph.inputs.size(); ++k)
        inputPosition.emplace(graph.inputs[k], k);
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        std::unordered_set<std::int64_t> seen;
        for (const auto& input : graph.nodes[n].inputs) {
            const auto it = inputPosition.find(input.value);
            if (it == inputPosition.end() || !seen.insert(input.value).second) continue;
            plan.edges.push_back({it->second, plan.inputs + n, input.value});
        }
    }
    for (std::size_t k = 0; k < graph.outputs.size(); ++k) {
        const auto it = lastWriter.find(graph.outputs[k]);
        if (it == lastWriter.end()) continue;
        plan.edges.push_back(
            {plan.inputs + it->second, plan.inputs + plan.nodes + k, graph.outputs[k]});
    }
    return plan;
}

// Layer of each entry: one past its deepest producer. A node without producers (a weight load,
// a DMA, a constant) sits just before its first consumer rather than in the first layer, and a
// node with neither producers nor consumers (a wait) next to the node executed before it, so
// command streams read top to bottom instead of as one wide row. Graph inputs stay on top and
// outputs below their producer.
struct Layering {
    std::vector<std::size_t> layer;
    std::vector<std::size_t> beside; // the consumer a constant is drawn beside, else kNoNode
};

Layering assignLayers(const Plan& plan) {
    const auto count = plan.size();
    std::vector<std::vector<std::size_t>> producers(count);
    std::vector<std::vector<std::size_t>> consumers(count);
    for (const auto& edge : plan.edges) {
        if (edge.from >= edge.to) continue;
        producers[edge.to].push_back(edge.from);
        consumers[edge.from].push_back(edge.to);
    }
    std::vector<std::size_t> layer(count, 0);
    for (std::size_t i = 0; i < count; ++i)
        for (auto from : producers[i])
            layer[i] = std::max(layer[i], layer[from] + 1);
    // Consumers of a source are all at layer >= 1, so moving the source down keeps every edge
    // pointing to a later layer. A constant joins its first consumer's layer, beside it.
    std::vector<std::size_t> beside(count, kNoNode);
    for (std::size_t i = plan.inputs; i < plan.inputs + plan.nodes; ++i) {
        if (!producers[i].empty() || consumers[i].empty()) continue;
        std::size_t firstConsumer = consumers[i].front();
        for (auto to : consumers[i])
            if (layer[to] < layer[firstConsumer]) firstConsumer = to;
        const auto first = layer[firstConsumer];
        if (plan.constant[i]) {
            layer[i] = first;
            beside[i] = firstConsumer;
            continue;
        }
        layer[i] = first > 0 ? first - 1 : 0;
    }
    for (std::size_t i = plan.inputs + 1; i < plan.inputs + plan.nodes; ++i)
        if (producers[i].empty() && consumers[i].empty()) layer[i] = layer[i - 1];
    // Outputs nothing writes sit below everything else.
    const auto deepest = count ? *std::max_element(layer.begin(), layer.end()) : 0;
    for (std::size_t i = plan.inputs + plan.nodes; i < count; ++i)
        if (producers[i].empty()) layer[i] = deepest + 1;
    return {std::move(layer), std::move(beside)};
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

// Entries of each layer, ordered by the mean position of their producers to reduce crossings.
std::vector<std::vector<std::size_t>> orderLayers(const Layering& layering, const Plan& plan) {
    const auto& layer = layering.layer;
    const auto layerCount = layer.empty() ? 0 : *std::max_element(layer.begin(), layer.end()) + 1;
    std::vector<std::vector<std::size_t>> rows(layerCount);
    for (std::size_t i = 0; i < layer.size(); ++i)
        rows[layer[i]].push_back(i);

    std::vector<std::vector<std::size_t>> producers(layer.size());
    for (const auto& edge : plan.edges)
        if (edge.from < edge.to) producers[edge.to].push_back(edge.from);

    std::vector<double> position(layer.size(), 0.0);
    for (auto& row : rows) {
        std::vector<double> key(row.size());
        std::unordered_map<std::size_t, std::size_t> slot; // entry -> index in row
        for (std::size_t k = 0; k < row.size(); ++k)
            slot[row[k]] = k;
        for (std::size_t k = 0; k < row.size(); ++k) {
            if (layering.beside[row[k]] != kNoNode) continue;
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
        // Constants just before their consumer: they sort with it, ahead of it.
        struct Place {
            double key;
            std::size_t group; // the consumer, or the entry itself
            int role;          // 0 for a constant, 1 for the entry it sits beside
        };
        std::vector<Place> place(row.size());
        for (std::size_t k = 0; k < row.size(); ++k) {
            const auto consumer = layering.beside[row[k]];
            const auto it = consumer == kNoNode ? slot.end() : slot.find(consumer);
            place[k] =
                it == slot.end() ? Place{key[k], row[k], 1} : Place{key[it->second], consumer, 0};
        }
        std::vector<std::size_t> order(row.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const auto& x = place[a];
            const auto& y = place[b];
            if (x.key != y.key) return x.key < y.key;
            if (x.group != y.group) return x.group < y.group;
            return x.role < y.role;
        });
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

// The text a terminal shows, as the scene draws it.
QString terminalText(const Graph& graph, std::int64_t value, bool input) {
    auto text = QString(input ? "input" : "output");
    if (const auto* described = graph.value(value))
        text += " " + QString::fromStdString(described->typeText());
    return text;
}

std::vector<QSizeF> entrySizes(const Graph& graph, const Plan& plan) {
    QFont font;
    font.setPointSizeF(7.5);
    const QFontMetricsF metrics(font);
    std::vector<QSizeF> sizes(plan.size());
    for (std::size_t k = 0; k < plan.inputs; ++k)
        sizes[k] = {
            std::max(90.0, metrics.horizontalAdvance(terminalText(graph, graph.inputs[k], true)) +
                               kTerminalHeight),
            kTerminalHeight};
    for (std::size_t n = 0; n < plan.nodes; ++n)
        sizes[plan.inputs + n] = nodeBoxSize(graph, graph.nodes[n]);
    for (std::size_t k = 0; k < plan.outputs; ++k)
        sizes[plan.inputs + plan.nodes + k] = {
            std::max(90.0, metrics.horizontalAdvance(terminalText(graph, graph.outputs[k], false)) +
                               kTerminalHeight),
            kTerminalHeight};
    return sizes;
}

// Places each row centred on the axis; `horizontal` turns rows into columns.
std::vector<QRectF> placeRows(const std::vector<QSizeF>& sizes,
                              const std::vector<std::vector<std::size_t>>& rows, bool horizontal) {
    std::vector<QRectF> boxes(sizes.size());
    double depth = 0;
    for (const auto& row : rows) {
        double extent = 0;
        double thickness = 0;
        for (auto i : row) {
            const auto& size = sizes[i];
            extent += (horizontal ? size.height() : size.width()) + kNodeGap;
            thickness = std::max(thickness, horizontal ? size.width() : size.height());
        }
        double along = -extent / 2;
        for (auto i : row) {
            const auto& size = sizes[i];
            if (horizontal) {
                boxes[i] = QRectF(QPointF(depth + (thickness - size.width()) / 2, along), size);
                along += size.height() + kNodeGap;
            } else {
                boxes[i] = QRectF(QPointF(along, depth + (thickness - size.height()) / 2), size);
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
    // Side by side in one row (a constant beside its user): a straight edge between them.
    const bool sameRow = horizontal ? a.left() < b.right() && b.left() < a.right()
                                    : a.top() < b.bottom() && b.top() < a.bottom();
    if (sameRow) {
        const bool forward =
            horizontal ? a.center().y() < b.center().y() : a.center().x() < b.center().x();
        const QPointF start = horizontal ? QPointF(a.center().x(), forward ? a.bottom() : a.top())
                                         : QPointF(forward ? a.right() : a.left(), a.center().y());
        const QPointF end = horizontal ? QPointF(b.center().x(), forward ? b.top() : b.bottom())
                                       : QPointF(forward ? b.left() : b.right(), b.center().y());
        const auto third = (end - start) / 3;
        return {edge, {start, start + third, end - third, end}};
    }
    const QPointF start =
        horizontal ? QPointF(a.right(), a.center().y()) : QPointF(a.center().x(), a.bottom());
    const QPointF end =
        horizontal ? QPointF(b.left(), b.center().y()) : QPointF(b.center().x(), b.top());
    const QPointF bend =
        horizontal ? QPointF((end.x() - start.x()) / 2, 0) : QPointF(0, (end.y() - start.y()) / 2);
    return {edge, {start, start + bend, end - bend, end}};
}

// A frame around the nodes of each partition handed to a delegate or another device, as dot
// draws its clusters.
std::vector<LaidOutCluster> frames(const Graph& graph, const std::vector<QRectF>& nodeBoxes) {
    std::vector<LaidOutCluster> clusters;
    if (!hasSeveralPlacements(graph)) return clusters;
    std::vector<QRectF> area(graph.partitions.size());
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto p = graph.nodes[n].partition;
        if (p >= area.size()) continue;
        area[p] = area[p].isNull() ? nodeBoxes[n] : area[p].united(nodeBoxes[n]);
    }
    for (std::size_t p = 0; p < graph.partitions.size(); ++p) {
        const auto& partition = graph.partitions[p];
        if (area[p].isNull() || !(partition.delegated || partition.device != DeviceClass::CPU))
            continue;
        clusters.push_back({p, area[p].adjusted(-kClusterMargin, -kClusterMargin - kClusterTitle,
                                                kClusterMargin, kClusterMargin)});
    }
    return clusters;
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
    const auto plan = makePlan(graph, graphEdges(graph));
    if (isCancelled(cancel)) return cancelled();
    const auto rows = orderLayers(assignLayers(plan), plan);
    if (isCancelled(cancel)) return cancelled();
    const auto boxes = placeRows(entrySizes(graph, plan), rows, settings.horizontal);
    layout.nodes.assign(boxes.begin() + std::ptrdiff_t(plan.inputs),
                        boxes.begin() + std::ptrdiff_t(plan.inputs + plan.nodes));
    for (std::size_t k = 0; k < plan.inputs; ++k)
        layout.terminals.push_back({true, graph.inputs[k], boxes[k]});
    for (std::size_t k = 0; k < plan.outputs; ++k)
        layout.terminals.push_back({false, graph.outputs[k], boxes[plan.inputs + plan.nodes + k]});
    layout.edges.reserve(plan.edges.size());
    for (const auto& edge : plan.edges) {
        if (isCancelled(cancel)) return cancelled();
        auto routed = routeEdge(edge, boxes, settings.horizontal);
        routed.edge.from = plan.isNode(edge.from) ? edge.from - plan.inputs : kNoNode;
        routed.edge.to = plan.isNode(edge.to) ? edge.to - plan.inputs : kNoNode;
        layout.edges.push_back(std::move(routed));
    }
    layout.clusters = frames(graph, layout.nodes);
    return layout;
}

} // namespace pteron
