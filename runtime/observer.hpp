// The hook that sees every executed node's outputs: tracing, run-and-diff and the app's tensor
// view are built on it.
#pragma once

#include "runtime/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pteron {
struct Model;
struct Graph;
struct Node;
} // namespace pteron

namespace pteron::runtime {

struct NodeOutput {
    std::int64_t value = -1; // value index in the graph
    const Tensor* tensor = nullptr;
};

struct NodeEvent {
    const Model& model;
    std::size_t graphIndex = 0;
    const Graph& graph;
    std::size_t nodeIndex = 0;
    const Node& node;
    std::vector<NodeOutput> outputs; // tensor outputs only
    double seconds = 0;              // wall time of the node, child graphs included
    unsigned depth = 0;              // 0 for the graph run() was called on
};

class Observer {
  public:
    virtual ~Observer() = default;
    virtual void nodeFinished(const NodeEvent& event) = 0;
};

} // namespace pteron::runtime
