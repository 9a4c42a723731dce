// Keeps every tensor a run produced, by node and by value, in execution order, so two runs (or a
// run and a device dump) can be set side by side afterwards.
#pragma once

#include "core/model.hpp"
#include "runtime/observer.hpp"
#include "runtime/tensor.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <tuple>
#include <vector>

namespace pteron::diff {

struct CapturedNode {
    std::uint64_t sequence = 0;       // execution order across the whole run, child graphs included
    std::vector<std::int64_t> values; // value index of each tensor output
    std::vector<runtime::Tensor> tensors;
};

class RunCapture : public runtime::Observer {
  public:
    RunCapture() = default;
    // `nodeDone` (may be empty) is called after each node is kept.
    explicit RunCapture(std::function<void()> nodeDone) : nodeDone_(std::move(nodeDone)) {}
    void nodeFinished(const runtime::NodeEvent& event) override;
    // Graph inputs are no node's outputs; they are recorded so a call's operands can be found.
    void recordInputs(const Model& model, std::size_t graph,
                      const std::vector<runtime::Tensor>& tensors);

    // The last execution of a node, or null when it never ran.
    const CapturedNode* node(const Model& model, std::size_t graph, std::size_t node) const;
    // The tensor a value held when it was written, or null.
    const runtime::Tensor* value(const Model& model, std::size_t graph, std::int64_t value) const;
    std::uint64_t events() const { return sequence_; }

  private:
    using NodeKey = std::tuple<const Model*, std::size_t, std::size_t>;
    using ValueKey = std::tuple<const Model*, std::size_t, std::int64_t>;
    std::map<NodeKey, CapturedNode> nodes_;
    std::map<ValueKey, runtime::Tensor> values_;
    std::uint64_t sequence_ = 0;
    std::function<void()> nodeDone_;
};

} // namespace pteron::diff
