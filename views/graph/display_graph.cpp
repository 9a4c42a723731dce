#include "views/graph/display_graph.hpp"

#include "adapters/common/partition_label.hpp"
#include "core/node_layers.hpp"
#include "views/graph/graph_layout.hpp"
#include "views/graph/node_placement.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace pteron {

namespace {

// Maps a child graph's value indices into the display graph.
class ValueMap {
  public:
    ValueMap(const Graph& child, const Graph& parent, const Node& caller, std::int64_t offset)
        : offset_(offset) {
        // A child that names its inputs and outputs after the caller's operands (a TFLite
        // ethos-u operator, whose first operands are the command stream and memory regions) is
        // wired by name; otherwise operands correspond by position.
        const bool inputsByName = wireByName(child, child.inputs, parent, caller.inputs);
        const bool outputsByName = wireByName(child, child.outputs, parent, caller.outputs);
        if (!inputsByName && !outputsByName) {
            wire(child.inputs, caller.inputs);
            wire(child.outputs, caller.outputs);
        }
    }

    std::int64_t operator()(std::int64_t value) const {
        if (value == kAbsentValue) return value;
        auto it = wired_.find(value);
        return it != wired_.end() ? it->second : value + offset_;
    }

  private:
    bool wireByName(const Graph& child, const std::vector<std::int64_t>& inner, const Graph& parent,
                    const std::vector<Operand>& outer) {
        bool any = false;
        for (const auto index : inner) {
            const auto* value = child.value(index);
            if (!value || value->name.empty()) continue;
            for (const auto& operand : outer) {
                const auto* match = parent.value(operand.value);
                if (!match || match->name != value->name) continue;
                wired_.emplace(index, operand.value);
                any = true;
                break;
            }
        }
        return any;
    }

    void wire(const std::vector<std::int64_t>& inner, const std::vector<Operand>& outer) {
        for (std::size_t i = 0; i < inner.size() && i < outer.size(); ++i)
            if (outer[i].value != kAbsentValue) wired_.emplace(inner[i], outer[i].value);
    }

    std::int64_t offset_;
    std::map<std::int64_t, std::int64_t> wired_;
};

void appendChild(DisplayGraph& display, const Model& model, std::size_t childIndex,
                 const Graph& parent, const Node& caller) {
    const auto& child = model.graphs[childIndex];
    const auto valueOffset = static_cast<std::int64_t>(display.graph.values.size());
    const auto partitionOffset = display.graph.partitions.size();
    display.graph.values.insert(display.graph.values.end(), child.values.begin(),
                                child.values.end());
    display.graph.partitions.insert(display.graph.partitions.end(), child.partitions.begin(),
                                    child.partitions.end());
    // A payload's own partition of the caller's backend is the caller's partition drawn open:
    // it keeps the caller's label ("EthosUBackend#0"), not the next ordinal of the merged graph.
    if (caller.partition < parent.partitions.size()) {
        const auto& backend = parent.partitions[caller.partition].backend;
        const auto ordinal = static_cast<std::int64_t>(partitionOrdinal(parent, caller.partition));
        for (auto p = partitionOffset; p < display.graph.partitions.size(); ++p) {
            auto& partition = display.graph.partitions[p];
            if (partition.backend != backend) continue;
            std::erase_if(partition.attributes,
                          [](const Attribute& a) { return a.name == "delegate index"; });
            partition.attributes.push_back({"delegate index", ordinal});
        }
    }
    const ValueMap map(child, parent, caller, valueOffset);
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

// "CONV 3×3 s2 → int8[1,112,112,32], 4 stripes": the title before the arrow, the rest below.
std::pair<std::string, std::string> splitLabel(const std::string& label) {
    constexpr std::string_view kArrow = " → ";
    const auto arrow = label.find(kArrow);
    if (arrow == std::string::npos) return {label, {}};
    return {label.substr(0, arrow), label.substr(arrow + kArrow.size())};
}

// One node standing for the members of a layer: it reads what the members read from outside
// and writes what is read outside (or the last write), so edges run as between the members.
Node groupNode(const std::vector<Node>& nodes, const std::vector<std::size_t>& members,
               const std::unordered_set<std::int64_t>& readOutside) {
    const auto& first = nodes[members.front()];
    const auto* kindAttribute = findAttribute(first.attributes, kLayerKindAttribute);
    const auto* labelAttribute = findAttribute(first.attributes, kLayerLabelAttribute);
    const auto* kind = kindAttribute ? std::get_if<std::string>(&kindAttribute->value) : nullptr;
    const auto* label = labelAttribute ? std::get_if<std::string>(&labelAttribute->value) : nullptr;
    Node group;
    const auto dot = first.op.find('.');
    const auto prefix = dot == std::string::npos ? std::string() : first.op.substr(0, dot + 1);
    group.op = kind ? prefix + *kind : first.op;
    group.name = label ? *label : first.op;
    group.partition = first.partition;
    group.namespacePath = first.namespacePath;
    std::unordered_set<std::int64_t> written;
    for (const auto m : members)
        for (const auto& operand : nodes[m].outputs)
            written.insert(operand.value);
    std::unordered_set<std::int64_t> seen;
    std::int64_t macs = 0;
    bool hasMacs = false;
    for (const auto m : members) {
        const auto& node = nodes[m];
        for (const auto& operand : node.inputs)
            if (!written.count(operand.value) && seen.insert(operand.value).second)
                group.inputs.push_back(operand);
        for (const auto& operand : node.outputs)
            if (readOutside.count(operand.value) && seen.insert(operand.value).second)
                group.outputs.push_back(operand);
        if (const auto* attribute = findAttribute(node.attributes, "macs"))
            if (const auto* count = std::get_if<std::int64_t>(&attribute->value)) {
                macs += *count;
                hasMacs = true;
            }
    }
    if (group.outputs.empty())
        for (auto it = members.rbegin(); it != members.rend() && group.outputs.empty(); ++it)
            group.outputs = nodes[*it].outputs;
    const auto [title, detail] = splitLabel(group.name);
    group.attributes.push_back({std::string(kDrawnTitle), title});
    group.attributes.push_back({std::string(kDrawnDetail), detail});
    group.attributes.push_back({std::string(kDrawnGroup), true});
    for (const auto& attribute : first.attributes)
        if (attribute.name.starts_with(kLayerAttribute)) group.attributes.push_back(attribute);
    group.attributes.push_back({"operations", std::int64_t(members.size())});
    if (hasMacs) group.attributes.push_back({"macs", macs});
    return group;
}

// The main operation of a group: the first whose kind names the layer, else the first.
std::size_t mainMember(const std::vector<Node>& nodes, const std::vector<std::size_t>& members) {
    for (const auto m : members) {
        if (findAttribute(nodes[m].attributes, "ofm_shape")) return m;
    }
    return members.front();
}

// Replaces each layer of several nodes by one group node, placed where its last member ran so
// every producer still comes before its consumers.
// A layer written in parts (225 moves of a transpose, the stripes of a convolution) hands each
// part to its reader as a value of its own; one edge per group and reader says the same.
void joinEdgesFromGroups(Graph& graph) {
    std::unordered_map<std::int64_t, std::size_t> producer;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
        for (const auto& operand : graph.nodes[i].outputs)
            producer.emplace(operand.value, i);
    for (auto& node : graph.nodes) {
        std::unordered_set<std::size_t> groupsRead;
        std::erase_if(node.inputs, [&](const Operand& operand) {
            const auto it = producer.find(operand.value);
            if (it == producer.end() || !isDrawnGroup(graph.nodes[it->second])) return false;
            return !groupsRead.insert(it->second).second;
        });
    }
}

void groupLayers(DisplayGraph& display, const std::set<LayerKey>& expandedLayers) {
    const auto count = display.graph.nodes.size();
    std::map<LayerKey, std::vector<std::size_t>> layers;
    for (std::size_t i = 0; i < count; ++i)
        if (display.layer[i] && !expandedLayers.count(*display.layer[i]))
            layers[*display.layer[i]].push_back(i);
    std::erase_if(layers, [](const auto& entry) { return entry.second.size() < 2; });
    if (layers.empty()) return;
    std::vector<const std::vector<std::size_t>*> groupOf(count, nullptr);
    for (const auto& [key, members] : layers)
        for (const auto m : members)
            groupOf[m] = &members;
    // Values read by a node outside the reader's group, or leaving the graph.
    std::unordered_set<std::int64_t> readOutside(display.graph.outputs.begin(),
                                                 display.graph.outputs.end());
    std::map<std::int64_t, std::vector<std::size_t>> writers;
    for (std::size_t i = 0; i < count; ++i)
        for (const auto& operand : display.graph.nodes[i].outputs)
            writers[operand.value].push_back(i);
    for (std::size_t i = 0; i < count; ++i)
        for (const auto& operand : display.graph.nodes[i].inputs) {
            const auto it = writers.find(operand.value);
            if (it == writers.end()) continue;
            for (const auto w : it->second)
                if (!groupOf[i] || groupOf[w] != groupOf[i]) readOutside.insert(operand.value);
        }
    DisplayGraph grouped;
    grouped.graph = std::move(display.graph);
    auto nodes = std::move(grouped.graph.nodes);
    grouped.graph.nodes.clear();
    for (std::size_t i = 0; i < count; ++i) {
        const auto* members = groupOf[i];
        if (!members) {
            grouped.graph.nodes.push_back(std::move(nodes[i]));
            grouped.origin.push_back(display.origin[i]);
            grouped.members.emplace_back();
            grouped.layer.push_back(display.layer[i]);
            continue;
        }
        if (i != members->back()) continue;
        // Members are never moved from: only nodes drawn as themselves are.
        grouped.graph.nodes.push_back(groupNode(nodes, *members, readOutside));
        grouped.origin.push_back(display.origin[mainMember(nodes, *members)]);
        std::vector<NodeOrigin> origins;
        for (const auto m : *members)
            origins.push_back(display.origin[m]);
        grouped.members.push_back(std::move(origins));
        grouped.layer.push_back(display.layer[i]);
    }
    joinEdgesFromGroups(grouped.graph);
    display = std::move(grouped);
}

} // namespace

std::optional<std::size_t> DisplayGraph::find(const NodeOrigin& node) const {
    auto it = drawnAs.find(node);
    if (it == drawnAs.end()) return std::nullopt;
    return it->second;
}

DisplayGraph makeDisplayGraph(const Model& model, std::size_t graphIndex,
                              const ExpandedNodes& expanded, const DisplayOptions& options) {
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
            appendChild(display, model, chosen->second, source, node);
            continue;
        }
        display.graph.nodes.push_back(node);
        display.origin.push_back({graphIndex, n});
        // A delegate call is labelled with its partition, as the command line names it, so two
        // calls of one backend can be told apart.
        const auto& partition = nodePlacement(source, node);
        if (partition.delegated && !node.childGraphs.empty())
            display.graph.nodes.back().attributes.push_back(
                {std::string(kDrawnTitle), partitionLabel(source, node.partition)});
    }
    display.members.assign(display.origin.size(), {});
    display.layer.assign(display.origin.size(), std::nullopt);
    for (std::size_t i = 0; i < display.origin.size(); ++i)
        if (const auto layer = nodeLayer(display.graph.nodes[i]))
            display.layer[i] = LayerKey{display.origin[i].graph, *layer};
    if (options.groupLayers) groupLayers(display, options.expandedLayers);
    for (std::size_t i = 0; i < display.origin.size(); ++i) {
        if (display.members[i].empty()) display.drawnAs[display.origin[i]] = i;
        for (const auto& member : display.members[i])
            display.drawnAs[member] = i;
    }
    return display;
}

} // namespace pteron
