#include "diff/run_capture.hpp"

namespace pteron::diff {

void RunCapture::nodeFinished(const runtime::NodeEvent& event) {
    CapturedNode captured;
    captured.sequence = sequence_++;
    for (const auto& output : event.outputs) {
        if (!output.tensor) continue;
        captured.values.push_back(output.value);
        captured.tensors.push_back(*output.tensor);
        values_[{&event.model, event.graphIndex, output.value}] = *output.tensor;
    }
    nodes_[{&event.model, event.graphIndex, event.nodeIndex}] = std::move(captured);
    if (nodeDone_) nodeDone_();
}

void RunCapture::recordInputs(const Model& model, std::size_t graph,
                              const std::vector<runtime::Tensor>& tensors) {
    const auto& inputs = model.graphs.at(graph).inputs;
    for (std::size_t i = 0; i < tensors.size() && i < inputs.size(); ++i)
        values_[{&model, graph, inputs[i]}] = tensors[i];
}

const CapturedNode* RunCapture::node(const Model& model, std::size_t graph,
                                     std::size_t node) const {
    const auto it = nodes_.find({&model, graph, node});
    return it == nodes_.end() ? nullptr : &it->second;
}

const runtime::Tensor* RunCapture::value(const Model& model, std::size_t graph,
                                         std::int64_t value) const {
    const auto it = values_.find({&model, graph, value});
    return it == values_.end() ? nullptr : &it->second;
}

} // namespace pteron::diff
