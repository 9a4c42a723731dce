#include "adapters/model_explorer/sync_mapping.hpp"

#include "adapters/model_explorer/node_ids.hpp"
#include "core/model_correspondence.hpp"

namespace pteron {

nlohmann::json syncMapping(const Model& left, const Model& right) {
    auto mapping = nlohmann::json::object();
    auto pairs = nlohmann::json::array();
    for (const auto& pair : correspondModels(left, right)) {
        for (const auto& [l, r] : pair.nodes)
            mapping[meNodeId(pair.left, l)] = meNodeId(pair.right, r);
        for (const auto& [l, r] : pair.inputs)
            mapping[meInputId(pair.left, l)] = meInputId(pair.right, r);
        for (const auto& [l, r] : pair.outputs)
            mapping[meOutputId(pair.left, l)] = meOutputId(pair.right, r);
        pairs.push_back({{"left", left.graphs[pair.left].id},
                         {"right", right.graphs[pair.right].id},
                         {"relation", pair.relation == GraphRelation::SameInterface
                                          ? "same inputs and outputs"
                                          : "payload of a call with these inputs and outputs"},
                         {"matched", pair.nodes.size()},
                         {"terminals", pair.inputs.size() + pair.outputs.size()},
                         {"byName", pair.byName}});
    }
    return {{"mapping", std::move(mapping)}, {"graphPairs", std::move(pairs)}};
}

} // namespace pteron
