// The graph a panel draws: a model graph, optionally with child graphs expanded in place.
#pragma once

#include "core/model.hpp"

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

struct DisplayGraph {
    Graph graph;                    // what is laid out and drawn
    std::vector<NodeOrigin> origin; // model node of each drawn node
    std::map<NodeOrigin, std::size_t> drawnAs;

    std::optional<std::size_t> find(const NodeOrigin& origin) const;
};

// Which child graph (model graph index) each expanded node of the shown graph is drawn as; a
// node with several children (an If's branches) shows the one chosen.
using ExpandedNodes = std::map<std::size_t, std::size_t>;

// `graph` of `model` with each node in `expanded` replaced by the nodes of its chosen child
// graph; the child's inputs and outputs are wired to the replaced node's operands.
DisplayGraph makeDisplayGraph(const Model& model, std::size_t graph, const ExpandedNodes& expanded);

} // namespace pteron
