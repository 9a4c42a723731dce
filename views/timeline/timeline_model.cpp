#include "views/timeline/timeline_model.hpp"

#include <algorithm>

namespace pteron {

namespace {

std::optional<std::int64_t> intValue(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    if (!attribute) return std::nullopt;
    if (const auto* value = std::get_if<std::int64_t>(&attribute->value)) return *value;
    return std::nullopt;
}

bool isDelegateEvent(const Node& node) {
    return findAttribute(node.attributes, "delegate_debug_id_int") ||
           findAttribute(node.attributes, "delegate_debug_id_str");
}

// The runtime's instruction index: only chain 0 events name one (framework events use -1).
std::optional<std::int64_t> instructionOf(const Node& node) {
    const auto chain = intValue(node, "chain");
    const auto instruction = intValue(node, "instruction_id");
    if (!chain || *chain != 0 || !instruction || *instruction < 0) return std::nullopt;
    return instruction;
}

std::optional<TimelineBar> barOf(const Node& node, std::size_t index) {
    const auto start = intValue(node, "start");
    const auto end = intValue(node, "end");
    if (!start || !end || *start < 0 || *end < *start) return std::nullopt;
    TimelineBar bar;
    bar.node = index;
    bar.label = node.name.empty() ? node.op : node.name;
    bar.start = static_cast<std::uint64_t>(*start);
    bar.end = static_cast<std::uint64_t>(*end);
    bar.instruction = instructionOf(node);
    bar.delegate = isDelegateEvent(node);
    return bar;
}

// Containing events sort before what they contain: earlier start, then longer, then host first.
bool drawnBefore(const TimelineBar& a, const TimelineBar& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.end != b.end) return a.end > b.end;
    if (a.delegate != b.delegate) return !a.delegate;
    return a.node < b.node;
}

bool contains(const TimelineBar& outer, const TimelineBar& inner) {
    return outer.start <= inner.start && inner.end <= outer.end;
}

// Walks the sorted bars keeping the chain of open containing events.
void nest(std::vector<TimelineBar>& bars) {
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < bars.size(); ++i) {
        while (!open.empty() && !contains(bars[open.back()], bars[i]))
            open.pop_back();
        bars[i].row = open.size();
        if (!open.empty()) bars[i].parent = open.back();
        open.push_back(i);
    }
}

} // namespace

Timeline buildTimeline(const Graph& run) {
    Timeline timeline;
    for (std::size_t i = 0; i < run.nodes.size(); ++i)
        if (auto bar = barOf(run.nodes[i], i)) timeline.bars.push_back(std::move(*bar));
    if (timeline.bars.empty()) return timeline;
    std::sort(timeline.bars.begin(), timeline.bars.end(), drawnBefore);
    nest(timeline.bars);
    timeline.start = timeline.bars.front().start;
    for (const auto& bar : timeline.bars) {
        timeline.end = std::max(timeline.end, bar.end);
        timeline.rows = std::max(timeline.rows, bar.row + 1);
    }
    return timeline;
}

std::optional<std::size_t> busiestRun(const Model& model) {
    std::optional<std::size_t> busiest;
    std::size_t most = 0;
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        const auto& nodes = model.graphs[g].nodes;
        const auto timed = static_cast<std::size_t>(
            std::count_if(nodes.begin(), nodes.end(), [](const Node& node) {
                return findAttribute(node.attributes, "start") &&
                       findAttribute(node.attributes, "end");
            }));
        if (timed > most) {
            most = timed;
            busiest = g;
        }
    }
    return busiest;
}

} // namespace pteron
