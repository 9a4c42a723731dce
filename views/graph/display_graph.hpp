// The graph a panel draws: a model graph, optionally with child graphs expanded in place and
// the layers of decoded command streams drawn as one node each.
#pragma once

#include "core/model.hpp"

#include <compare>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace pteron {

struct NodeOrigin {
    std::size_t graph = 0; // model graph index
    std::size_t node = 0;  // node index inside that graph
    auto operator<=>(const NodeOrigin&) const = default;
};

// One layer of one model graph (core/node_layers.hpp).
struct LayerKey {
    std::size_t graph = 0;
    std::int64_t layer = 0;
    auto operator<=>(const LayerKey&) const = default;
};

struct DisplayGraph {
    Graph graph;                    // what is laid out and drawn
    std::vector<NodeOrigin> origin; // model node of each drawn node (a group: its main operation)
    std::map<NodeOrigin, std::size_t> drawnAs; // every shown model node, members of groups too
    // Per drawn node: the model nodes a layer group stands for, in execution order; empty for a
    // node drawn as itself.
    std::vector<std::vector<NodeOrigin>> members;
    // Per drawn node: the layer it is or belongs to, grouped or not.
    std::vector<std::optional<LayerKey>> layer;

    std::optional<std::size_t> find(const NodeOrigin& origin) const;
    bool isGroup(std::size_t drawn) const {
        return drawn < members.size() && !members[drawn].empty();
    }
};

// Which child graph (model graph index) each expanded node of the shown graph is drawn as; a
// node with several children (an If's branches) shows the one chosen.
using ExpandedNodes = std::map<std::size_t, std::size_t>;

struct DisplayOptions {
    bool groupLayers = true;             // a layer of several nodes is drawn as one node
    std::set<LayerKey> expandedLayers{}; // layers drawn operation by operation all the same
};

// `graph` of `model` with each node in `expanded` replaced by the nodes of its chosen child
// graph; the child's inputs and outputs are wired to the replaced node's operands.
DisplayGraph makeDisplayGraph(const Model& model, std::size_t graph, const ExpandedNodes& expanded,
                              const DisplayOptions& options = {});

} // namespace pteron
