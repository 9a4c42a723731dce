#include "adapters/common/graph_wiring.hpp"

#include <unordered_map>

namespace pteron {

GraphWiring wireGraph(const Graph& graph) {
    std::unordered_map<std::int64_t, Producer> writer;
    for (std::size_t i = 0; i < graph.inputs.size(); ++i)
        writer.try_emplace(graph.inputs[i], Producer{ProducerKind::GraphInput, i, 0});

    GraphWiring wiring;
    wiring.nodeInputs.reserve(graph.nodes.size());
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto& node = graph.nodes[n];
        auto& inputs = wiring.nodeInputs.emplace_back();
        inputs.reserve(node.inputs.size());
        for (const auto& operand : node.inputs) {
            auto it = writer.find(operand.value);
            inputs.push_back(it == writer.end() ? std::nullopt : std::optional(it->second));
        }
        for (std::size_t slot = 0; slot < node.outputs.size(); ++slot)
            if (node.outputs[slot].value != kAbsentValue)
                writer[node.outputs[slot].value] = Producer{ProducerKind::Node, n, slot};
    }
    wiring.graphOutputs.reserve(graph.outputs.size());
    for (auto value : graph.outputs) {
        auto it = writer.find(value);
        wiring.graphOutputs.push_back(it == writer.end() ? std::nullopt
                                                         : std::optional(it->second));
    }
    return wiring;
}

} // namespace pteron
