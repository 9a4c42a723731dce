#include "adapters/layout/layered_layout.hpp"

#include "adapters/common/graph_wiring.hpp"
#include "adapters/common/partition_label.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_map>

namespace pteron {

namespace {

constexpr double kLayerGap = 56.0;
constexpr double kWideLayerGap = 120.0; // left to right: room for an edge label between layers
constexpr double kNodeGap = 28.0;
constexpr double kClusterMargin = 14.0;
constexpr double kClusterTitle = 18.0;
// A layer wider than this is drawn as several rows: a fan-out of hundreds of NPU operations
// (a transpose done as one pooling per row) would otherwise be one row many screens wide.
constexpr std::size_t kMaxRowNodes = 12;
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

struct Rect {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
    double right() const { return x + width; }
    double bottom() const { return y + height; }
    LayoutPoint center() const { return {x + width / 2, y + height / 2}; }
    bool isNull() const { return width <= 0 && height <= 0; }
    Rect united(const Rect& other) const {
        if (isNull()) return other;
        const double left = std::min(x, other.x);
        const double top = std::min(y, other.y);
        return {left, top, std::max(right(), other.right()) - left,
                std::max(bottom(), other.bottom()) - top};
    }
};

bool isCancelled(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

struct PlanEdge {
    std::size_t from = 0;
    std::size_t to = 0;
    std::int64_t value = kAbsentValue;
};

// What is laid out: graph inputs first, then the nodes in execution order, then graph outputs,
// so every edge points from a lower to a higher index.
struct Plan {
    std::size_t inputs = 0;
    std::size_t nodes = 0;
    std::size_t outputs = 0;
    std::vector<PlanEdge> edges;
    std::vector<bool> constant; // a node that reads nothing (a TOSA CONST): drawn beside its user
    std::size_t size() const { return inputs + nodes + outputs; }
};

Plan makePlan(const Graph& graph) {
    Plan plan;
    plan.inputs = graph.inputs.size();
    plan.nodes = graph.nodes.size();
    plan.outputs = graph.outputs.size();
    plan.constant.assign(plan.size(), false);
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        plan.constant[plan.inputs + n] =
            graph.nodes[n].inputs.empty() && !graph.nodes[n].outputs.empty();
    const auto wiring = wireGraph(graph);
    const auto planIndex = [&](const Producer& producer) {
        return producer.kind == ProducerKind::Node ? plan.inputs + producer.index : producer.index;
    };
    std::set<std::tuple<std::size_t, std::size_t, std::int64_t>> seen;
    const auto add = [&](std::size_t from, std::size_t to, std::int64_t value) {
        if (from == to || !seen.emplace(from, to, value).second) return;
        plan.edges.push_back({from, to, value});
    };
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        for (std::size_t slot = 0; slot < wiring.nodeInputs[n].size(); ++slot)
            if (const auto& producer = wiring.nodeInputs[n][slot])
                add(planIndex(*producer), plan.inputs + n, graph.nodes[n].inputs[slot].value);
    for (std::size_t k = 0; k < graph.outputs.size(); ++k)
        if (const auto& producer = wiring.graphOutputs[k])
            add(planIndex(*producer), plan.inputs + plan.nodes + k, graph.outputs[k]);
    return plan;
}

// Layer of each entry: one past its deepest producer. A node without producers (a weight load,
// a DMA, a constant) sits just before its first consumer rather than in the first layer, and a
// node with neither producers nor consumers (a wait) next to the node executed before it, so
// command streams read top to bottom instead of as one wide row. Graph inputs stay on top and
// outputs below their producer.
struct Layering {
    std::vector<std::size_t> layer;
    std::vector<std::size_t> beside; // the consumer a constant is drawn beside, else kNone
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
    std::vector<std::size_t> beside(count, kNone);
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

// Where an entry sorts in its row: by the mean position of its producers, a constant just
// ahead of the consumer it sits beside.
struct Place {
    double key = 0;
    std::size_t group = 0; // the consumer, or the entry itself
    int role = 1;          // 0 for a constant, 1 for the entry it sits beside
};

void orderRow(std::vector<std::size_t>& row, const Layering& layering,
              const std::vector<std::vector<std::size_t>>& producers,
              const std::vector<double>& position) {
    std::vector<double> key(row.size());
    std::unordered_map<std::size_t, std::size_t> slot; // entry -> index in row
    for (std::size_t k = 0; k < row.size(); ++k)
        slot[row[k]] = k;
    for (std::size_t k = 0; k < row.size(); ++k) {
        if (layering.beside[row[k]] != kNone) continue;
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
    std::vector<Place> place(row.size());
    for (std::size_t k = 0; k < row.size(); ++k) {
        const auto consumer = layering.beside[row[k]];
        const auto it = consumer == kNone ? slot.end() : slot.find(consumer);
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
}

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
        orderRow(row, layering, producers, position);
        for (std::size_t k = 0; k < row.size(); ++k)
            position[row[k]] = static_cast<double>(k);
    }
    return wrapRows(rows);
}

std::vector<BoxSize> entrySizes(const LayeredSizes& sizes, const Plan& plan) {
    std::vector<BoxSize> entries(plan.size(), BoxSize{90.0, 40.0});
    const auto copy = [&](const std::vector<BoxSize>& from, std::size_t first, std::size_t count) {
        for (std::size_t k = 0; k < std::min(count, from.size()); ++k)
            entries[first + k] = from[k];
    };
    copy(sizes.inputs, 0, plan.inputs);
    copy(sizes.nodes, plan.inputs, plan.nodes);
    copy(sizes.outputs, plan.inputs + plan.nodes, plan.outputs);
    return entries;
}

// Places each row centred on the axis; `horizontal` turns rows into columns.
std::vector<Rect> placeRows(const std::vector<BoxSize>& sizes,
                            const std::vector<std::vector<std::size_t>>& rows, bool horizontal) {
    std::vector<Rect> boxes(sizes.size());
    double depth = 0;
    for (const auto& row : rows) {
        double extent = 0;
        double thickness = 0;
        for (auto i : row) {
            const auto& size = sizes[i];
            extent += (horizontal ? size.height : size.width) + kNodeGap;
            thickness = std::max(thickness, horizontal ? size.width : size.height);
        }
        double along = -extent / 2;
        for (auto i : row) {
            const auto& size = sizes[i];
            if (horizontal) {
                boxes[i] = {depth + (thickness - size.width) / 2, along, size.width, size.height};
                along += size.height + kNodeGap;
            } else {
                boxes[i] = {along, depth + (thickness - size.height) / 2, size.width, size.height};
                along += size.width + kNodeGap;
            }
        }
        depth += thickness + (horizontal ? kWideLayerGap : kLayerGap);
    }
    return boxes;
}

LayoutPoint plus(LayoutPoint a, LayoutPoint b) {
    return {a.x + b.x, a.y + b.y};
}
LayoutPoint minus(LayoutPoint a, LayoutPoint b) {
    return {a.x - b.x, a.y - b.y};
}

std::vector<LayoutPoint> routeEdge(const Rect& a, const Rect& b, bool horizontal) {
    // Side by side in one row (a constant beside its user): a straight edge between them.
    const bool sameRow =
        horizontal ? a.x < b.right() && b.x < a.right() : a.y < b.bottom() && b.y < a.bottom();
    if (sameRow) {
        const bool forward = horizontal ? a.center().y < b.center().y : a.center().x < b.center().x;
        const LayoutPoint start = horizontal ? LayoutPoint{a.center().x, forward ? a.bottom() : a.y}
                                             : LayoutPoint{forward ? a.right() : a.x, a.center().y};
        const LayoutPoint end = horizontal ? LayoutPoint{b.center().x, forward ? b.y : b.bottom()}
                                           : LayoutPoint{forward ? b.x : b.right(), b.center().y};
        const LayoutPoint third{(end.x - start.x) / 3, (end.y - start.y) / 3};
        return {start, plus(start, third), minus(end, third), end};
    }
    const LayoutPoint start =
        horizontal ? LayoutPoint{a.right(), a.center().y} : LayoutPoint{a.center().x, a.bottom()};
    const LayoutPoint end =
        horizontal ? LayoutPoint{b.x, b.center().y} : LayoutPoint{b.center().x, b.y};
    const LayoutPoint bend =
        horizontal ? LayoutPoint{(end.x - start.x) / 2, 0} : LayoutPoint{0, (end.y - start.y) / 2};
    return {start, plus(start, bend), minus(end, bend), end};
}

// A frame around the nodes of each partition handed to a delegate or another device, as dot
// draws its clusters.
std::vector<std::pair<std::size_t, Rect>> frames(const Graph& graph, const std::vector<Rect>& boxes,
                                                 std::size_t firstNode) {
    std::vector<std::pair<std::size_t, Rect>> clusters;
    if (!hasSeveralPlacements(graph)) return clusters;
    std::vector<Rect> area(graph.partitions.size());
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto p = graph.nodes[n].partition;
        if (p < area.size()) area[p] = area[p].united(boxes[firstNode + n]);
    }
    for (std::size_t p = 0; p < graph.partitions.size(); ++p) {
        const auto& partition = graph.partitions[p];
        if (area[p].isNull() || !(partition.delegated || partition.device != DeviceClass::CPU))
            continue;
        const auto& a = area[p];
        clusters.emplace_back(p, Rect{a.x - kClusterMargin, a.y - kClusterMargin - kClusterTitle,
                                      a.width + 2 * kClusterMargin,
                                      a.height + 2 * kClusterMargin + kClusterTitle});
    }
    return clusters;
}

GraphLayout cancelledLayout() {
    GraphLayout layout;
    layout.cancelled = true;
    return layout;
}

// Moves everything so the drawing starts at (0, 0), as dot's layouts do.
void normalise(GraphLayout& layout) {
    Rect extent;
    for (const auto& node : layout.nodes)
        extent = extent.united({node.center.x - node.width / 2, node.center.y - node.height / 2,
                                node.width, node.height});
    for (const auto& cluster : layout.clusters)
        extent =
            extent.united({cluster.topLeft.x, cluster.topLeft.y, cluster.width, cluster.height});
    const LayoutPoint shift{-extent.x, -extent.y};
    for (auto& node : layout.nodes)
        node.center = plus(node.center, shift);
    for (auto& edge : layout.edges)
        for (auto& point : edge.points)
            point = plus(point, shift);
    for (auto& cluster : layout.clusters)
        cluster.topLeft = plus(cluster.topLeft, shift);
    layout.width = extent.width;
    layout.height = extent.height;
}

} // namespace

LayeredSizes estimatedSizes(const Graph& graph) {
    LayeredSizes sizes;
    const auto terminal = [&](std::int64_t value, std::string_view word) {
        std::string text(word);
        if (const auto* described = graph.value(value)) text += " " + described->typeText();
        return terminalBoxSize(text);
    };
    for (const auto value : graph.inputs)
        sizes.inputs.push_back(terminal(value, "input"));
    for (const auto& node : graph.nodes)
        sizes.nodes.push_back(operationBoxSize(graph, node));
    for (const auto value : graph.outputs)
        sizes.outputs.push_back(terminal(value, "output"));
    return sizes;
}

GraphLayout layeredGraphLayout(const Graph& graph, const LayeredSizes& sizes, bool horizontal,
                               const std::atomic<bool>* cancel) {
    const auto plan = makePlan(graph);
    if (isCancelled(cancel)) return cancelledLayout();
    const auto rows = orderLayers(assignLayers(plan), plan);
    if (isCancelled(cancel)) return cancelledLayout();
    const auto boxes = placeRows(entrySizes(sizes, plan), rows, horizontal);
    GraphLayout layout;
    layout.nodes.reserve(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const bool input = i < plan.inputs;
        const bool output = i >= plan.inputs + plan.nodes;
        const auto kind = input    ? LayoutNodeKind::GraphInput
                          : output ? LayoutNodeKind::GraphOutput
                                   : LayoutNodeKind::Operation;
        const auto index = input ? i : output ? i - plan.inputs - plan.nodes : i - plan.inputs;
        layout.nodes.push_back({kind, index, boxes[i].center(), boxes[i].width, boxes[i].height});
    }
    if (isCancelled(cancel)) return cancelledLayout();
    layout.edges.reserve(plan.edges.size());
    for (const auto& edge : plan.edges)
        layout.edges.push_back({edge.from, edge.to, edge.value,
                                routeEdge(boxes[edge.from], boxes[edge.to], horizontal)});
    for (const auto& [partition, box] : frames(graph, boxes, plan.inputs))
        layout.clusters.push_back({partition, {box.x, box.y}, box.width, box.height});
    normalise(layout);
    return layout;
}

} // namespace pteron
