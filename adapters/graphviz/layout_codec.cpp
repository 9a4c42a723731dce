#include "adapters/graphviz/layout_codec.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace pteron {

namespace {

// Both ends are the same program on the same machine, so native byte order is fine.
class Writer {
  public:
    template <typename T> void put(T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        const auto at = bytes_.size();
        bytes_.resize(at + sizeof(T));
        std::memcpy(bytes_.data() + at, &value, sizeof(T));
    }
    void point(const LayoutPoint& point) {
        put(point.x);
        put(point.y);
    }
    std::string take() { return std::move(bytes_); }

  private:
    std::string bytes_;
};

class Reader {
  public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    template <typename T> T get() {
        static_assert(std::is_trivially_copyable_v<T>);
        if (bytes_.size() - at_ < sizeof(T))
            throw std::runtime_error("layout answer cut short at byte " + std::to_string(at_));
        T value;
        std::memcpy(&value, bytes_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return value;
    }
    LayoutPoint point() {
        const double x = get<double>();
        return {x, get<double>()};
    }
    // A count of items of at least `itemBytes` each, checked against what is left.
    std::size_t count(std::size_t itemBytes) {
        const auto value = get<std::uint64_t>();
        if (value > (bytes_.size() - at_) / itemBytes)
            throw std::runtime_error("layout answer holds a count beyond its size");
        return static_cast<std::size_t>(value);
    }
    bool done() const { return at_ == bytes_.size(); }

  private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

constexpr std::size_t kNodeBytes = 1 + 8 + 4 * 8;
constexpr std::size_t kEdgeBytes = 8 * 4;
constexpr std::size_t kPointBytes = 16;
constexpr std::size_t kClusterBytes = 8 * 5;

} // namespace

std::string encodeLayout(const GraphLayout& layout) {
    Writer out;
    out.put(layout.width);
    out.put(layout.height);
    out.put<std::uint64_t>(layout.nodes.size());
    for (const auto& node : layout.nodes) {
        out.put(static_cast<std::uint8_t>(node.kind));
        out.put<std::uint64_t>(node.index);
        out.point(node.center);
        out.put(node.width);
        out.put(node.height);
    }
    out.put<std::uint64_t>(layout.edges.size());
    for (const auto& edge : layout.edges) {
        out.put<std::uint64_t>(edge.from);
        out.put<std::uint64_t>(edge.to);
        out.put(edge.value);
        out.put<std::uint64_t>(edge.points.size());
        for (const auto& point : edge.points)
            out.point(point);
    }
    out.put<std::uint64_t>(layout.clusters.size());
    for (const auto& cluster : layout.clusters) {
        out.put<std::uint64_t>(cluster.partition);
        out.point(cluster.topLeft);
        out.put(cluster.width);
        out.put(cluster.height);
    }
    return out.take();
}

GraphLayout decodeLayout(std::string_view bytes) {
    Reader in(bytes);
    GraphLayout layout;
    layout.width = in.get<double>();
    layout.height = in.get<double>();
    layout.nodes.resize(in.count(kNodeBytes));
    for (auto& node : layout.nodes) {
        const auto kind = in.get<std::uint8_t>();
        if (kind > static_cast<std::uint8_t>(LayoutNodeKind::GraphOutput))
            throw std::runtime_error("layout answer holds an unknown node kind");
        node.kind = static_cast<LayoutNodeKind>(kind);
        node.index = static_cast<std::size_t>(in.get<std::uint64_t>());
        node.center = in.point();
        node.width = in.get<double>();
        node.height = in.get<double>();
    }
    layout.edges.resize(in.count(kEdgeBytes));
    for (auto& edge : layout.edges) {
        edge.from = static_cast<std::size_t>(in.get<std::uint64_t>());
        edge.to = static_cast<std::size_t>(in.get<std::uint64_t>());
        edge.value = in.get<std::int64_t>();
        edge.points.resize(in.count(kPointBytes));
        for (auto& point : edge.points)
            point = in.point();
    }
    layout.clusters.resize(in.count(kClusterBytes));
    for (auto& cluster : layout.clusters) {
        cluster.partition = static_cast<std::size_t>(in.get<std::uint64_t>());
        cluster.topLeft = in.point();
        cluster.width = in.get<double>();
        cluster.height = in.get<double>();
    }
    if (!in.done()) throw std::runtime_error("layout answer has trailing bytes");
    return layout;
}

} // namespace pteron
