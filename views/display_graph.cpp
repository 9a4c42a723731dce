#include "views/display_graph.hpp"

#include <algorithm>

namespace pteron {

namespace {

// Maps a child graph's value indices into the display graph.
class ValueMap {
  public:
    ValueMap(const Graph& child, const Node& caller, std::int64_t offset) : offset_(offset) {
        wire(child.inputs, caller.inputs);
        wire(child.outputs, caller.outputs);
    }

    std::int64_t operator()(std::int64_t value) const {
        if (value == kAbsentValue) return value;
        auto it = wired_.find(value);
        return it != wired_.end() ? it->second : value + offset_;
    }

  private:
    void wire(const std::vector<std::int64_t>& inner, const std::vector<Operand>& outer) {
        for (std::size_t i = 0; i < inner.size() && i < outer.size(); ++i)
            if (outer[i].value != kAbsentValue) wired_.emplace(inner[i], outer[i].value);
    }

    std::int64_t offset_;
    std::map<std::int64_t, std::int64_t> wired_;
};

void appendChild(DisplayGraph& display, const Model& model, std::size_t childIndex,
                 const Node& caller) {
    const auto& child = model.graphs[childIndex];
    const auto valueOffset = static_cast<std::int64_t>(display.graph.values.size());
    const auto partitionOffset = display.graph.partitions.size();
    display.graph.values.insert(display.graph.values.end(), child.values.begin(),
                                child.values.end());
    display.graph.partitions.insert(display.graph.partitions.end(), child.partitions.begin(),
                                    child.partitions.end());
    const ValueMap map(child, caller, valueOffset);
    for (std::size_t k = 0; k < child.nodes.size(); ++k) {
        auto node = child.nodes[k];
        for (auto& operand : node.inputs)
            operand.value = map(operand.value);
        for (auto& operand : node.outputs)
            operand.value = map(operand.value);
        node.partition += partitionOffset;
        display.graph.nodes.push_back(std::move(node));
        display.origin.push_back({childIndex, k});
    }
}

} // namespace

std::optional<std::size_t> DisplayGraph::find(const NodeOrigin& node) const {
    auto it = drawnAs.find(node);
    if (it == drawnAs.end()) return std::nullopt;
    return it->second;
}

DisplayGraph makeDisplayGraph(const Model& model, std::size_t graphIndex,
                              const ExpandedNodes& expanded) {
    const auto& source = model.graphs.at(graphIndex);
    DisplayGraph display;
    display.graph.id = source.id;
    display.graph.name = source.name;
    display.graph.kind = source.kind;
    display.graph.values = source.values;
    display.graph.inputs = source.inputs;
    display.graph.outputs = source.outputs;
    display.graph.partitions = source.partitions;
    for (std::size_t n = 0; n < source.nodes.size(); ++n) {
        const auto& node = source.nodes[n];
        const auto chosen = expanded.find(n);
        const bool expand =
            chosen != expanded.end() &&
            std::ranges::find(node.childGraphs, chosen->second) != node.childGraphs.end() &&
            chosen->second < model.graphs.size();
        if (expand) {
            appendChild(display, model, chosen->second, node);
            continue;
        }
        display.graph.nodes.push_back(node);
        display.origin.push_back({graphIndex, n});
    }
    for (std::size_t i = 0; i < display.origin.size(); ++i)
        display.drawnAs[display.origin[i]] = i;
    return display;
}

} // namespace pteron
