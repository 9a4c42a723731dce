#include "adapters/graphviz/graph_layout.hpp"

#include "adapters/graphviz/forked_call.hpp"
#include "adapters/graphviz/layout_codec.hpp"

#include <stdexcept>

namespace pteron {

namespace {

constexpr double kPointsPerInch = 72.0;

bool raised(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

GraphLayout cancelledLayout() {
    GraphLayout layout;
    layout.cancelled = true;
    return layout;
}

// Graphviz puts the origin bottom-left; views want it top-left.
class Flip {
  public:
    explicit Flip(boxf box) : box_(box) {}
    LayoutPoint operator()(pointf point) const {
        return {point.x - box_.LL.x, box_.UR.y - point.y};
    }

  private:
    boxf box_;
};

std::vector<LayoutPoint> splinePoints(Agedge_t* edge, const Flip& flip) {
    std::vector<LayoutPoint> points;
    const splines* spline = ED_spl(edge);
    if (!spline) return points;
    for (int b = 0; b < spline->size; ++b) {
        const bezier& curve = spline->list[b];
        for (int p = 0; p < curve.size; ++p)
            points.push_back(flip(curve.list[p]));
        if (curve.eflag) points.push_back(flip(curve.ep));
    }
    return points;
}

GraphLayout collect(const CGraphBuild& build) {
    GraphLayout layout;
    const boxf box = GD_bb(build.graph.get());
    const Flip flip(box);
    layout.width = box.UR.x - box.LL.x;
    layout.height = box.UR.y - box.LL.y;
    layout.nodes.reserve(build.nodes.size());
    for (const auto& ref : build.nodes)
        layout.nodes.push_back({ref.kind, ref.index, flip(ND_coord(ref.node)),
                                ND_width(ref.node) * kPointsPerInch,
                                ND_height(ref.node) * kPointsPerInch});
    layout.edges.reserve(build.edges.size());
    for (const auto& ref : build.edges)
        layout.edges.push_back({ref.from, ref.to, ref.value, splinePoints(ref.edge, flip)});
    for (const auto& ref : build.clusters) {
        const boxf bounds = GD_bb(ref.cluster);
        layout.clusters.push_back({ref.partition, flip({bounds.LL.x, bounds.UR.y}),
                                   bounds.UR.x - bounds.LL.x, bounds.UR.y - bounds.LL.y});
    }
    return layout;
}

} // namespace

GraphLayout layoutGraph(LayoutService& service, const Graph& graph, const LayoutOptions& options,
                        const std::atomic<bool>* cancel) {
    if (raised(cancel)) return cancelledLayout();
    // dot cannot be interrupted, so it runs in a child process that a cancel kills. The fork
    // happens under the lock so the child's copy of Graphviz's global state is consistent; the
    // wait does not hold it.
    const auto layOut = [&] {
        auto build = buildCGraph(graph, options.palette, options.graph);
        if (gvLayout(service.context(), build.graph.get(), "dot") != 0)
            throw std::runtime_error("Graphviz dot layout failed for graph " + graph.id);
        LayoutGuard layoutGuard(service.context(), build.graph.get());
        return collect(build);
    };
    if (options.isolation == LayoutIsolation::InProcess) {
        auto layout = [&] {
            auto guard = service.lock();
            return layOut();
        }();
        return raised(cancel) ? cancelledLayout() : layout;
    }
    auto call = [&] {
        auto guard = service.lock();
        return ForkedCall([&] { return encodeLayout(layOut()); });
    }();
    const auto answer = call.result(cancel);
    if (!answer) return cancelledLayout();
    return decodeLayout(*answer);
}

} // namespace pteron
