#include "adapters/graphviz/fixed_positions.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

namespace pteron {

namespace {

constexpr double kPointsPerInch = 72.0;
constexpr double kArrowLength = 10.0; // Graphviz's arrowhead, drawn between spline end and tip

char* text(const std::string& value) {
    return const_cast<char*>(value.c_str());
}

void set(void* object, const std::string& name, const std::string& value) {
    agsafeset(object, text(name), text(value), text(std::string()));
}

// Graphviz's y axis grows upwards; the layout's downwards from 0 to `height`.
class Writer {
  public:
    explicit Writer(double height) : height_(height) {}

    std::string point(LayoutPoint p) const { return number(p.x) + "," + number(height_ - p.y); }
    std::string box(double left, double top, double right, double bottom) const {
        return number(left) + "," + number(height_ - bottom) + "," + number(right) + "," +
               number(height_ - top);
    }
    static std::string number(double value) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.2f", value);
        return buffer;
    }

  private:
    double height_;
};

// "e,tip p0 p1 p2 p3": the spline stops an arrow's length short of the tip.
std::string edgePosition(const std::vector<LayoutPoint>& points, const Writer& writer) {
    if (points.size() < 4) return {};
    auto spline = points;
    const auto tip = spline.back();
    const auto& before = spline[spline.size() - 2];
    const double dx = tip.x - before.x;
    const double dy = tip.y - before.y;
    const double length = std::hypot(dx, dy);
    if (length > kArrowLength)
        spline.back() = {tip.x - dx / length * kArrowLength, tip.y - dy / length * kArrowLength};
    std::string position = "e," + writer.point(tip);
    for (const auto& p : spline)
        position += " " + writer.point(p);
    return position;
}

} // namespace

void fixPositions(CGraphBuild& build, const GraphLayout& layout) {
    const Writer writer(layout.height);
    Agraph_t* root = build.graph.get();
    set(root, "bb", writer.box(0, 0, layout.width, layout.height));
    set(root, "splines", "line");
    for (std::size_t i = 0; i < build.nodes.size() && i < layout.nodes.size(); ++i) {
        const auto& placed = layout.nodes[i];
        Agnode_t* node = build.nodes[i].node;
        set(node, "pos", writer.point(placed.center));
        set(node, "width", Writer::number(placed.width / kPointsPerInch));
        set(node, "height", Writer::number(placed.height / kPointsPerInch));
        // Markers show the value's name where the app shows its type: their text may be
        // wider than the box laid out, so only their shape keeps the size.
        set(node, "fixedsize", build.nodes[i].kind == LayoutNodeKind::Operation ? "true" : "shape");
    }
    std::map<std::tuple<std::size_t, std::size_t, std::int64_t>, const LayoutEdge*> routed;
    for (const auto& edge : layout.edges)
        routed.emplace(std::tuple(edge.from, edge.to, edge.value), &edge);
    for (const auto& ref : build.edges) {
        const auto it = routed.find(std::tuple(ref.from, ref.to, ref.value));
        if (it == routed.end()) continue;
        set(ref.edge, "pos", edgePosition(it->second->points, writer));
    }
    for (const auto& ref : build.clusters)
        for (const auto& cluster : layout.clusters) {
            if (cluster.partition != ref.partition) continue;
            const auto right = cluster.topLeft.x + cluster.width;
            const auto bottom = cluster.topLeft.y + cluster.height;
            set(ref.cluster, "bb", writer.box(cluster.topLeft.x, cluster.topLeft.y, right, bottom));
            set(ref.cluster, "lp",
                writer.point({cluster.topLeft.x + cluster.width / 2, cluster.topLeft.y + 10}));
        }
}

} // namespace pteron
