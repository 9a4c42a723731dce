// What a kernel sees of the node it executes: input tensors and scalars, attributes, where its
// outputs go, the worker threads, and child graphs for control flow.
#pragma once

#include "core/graph.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/tensor.hpp"
#include "runtime/thread_pool.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pteron::runtime {

// A runtime value: a tensor, or a scalar/list as the model describes it (ExecuTorch Int, IntList,
// tensor lists as value indices).
struct Slot {
    Tensor tensor;
    AttributeValue scalar;
    bool present() const {
        return tensor.defined() || !std::holds_alternative<std::monostate>(scalar);
    }
};

// Runs one of the model's graphs as a region (COND_IF branches, loop bodies).
using GraphRunner = std::function<std::vector<Tensor>(std::size_t graph, std::vector<Tensor>)>;

class KernelContext {
  public:
    KernelContext(const Graph& graph, const Node& node, std::vector<Slot>& slots, ThreadPool& pool,
                  const GraphRunner& runGraph, std::map<std::string, Tensor>& variables);

    const Graph& graph() const { return graph_; }
    const Node& node() const { return node_; }
    ThreadPool& pool() const { return pool_; }

    std::size_t inputCount() const { return node_.inputs.size(); }
    // True when operand `index` exists and names a value that is not None.
    bool hasInput(std::size_t index) const;
    const Value& inputValue(std::size_t index) const;
    const Tensor& input(std::size_t index) const;
    const AttributeValue& scalarInput(std::size_t index) const;
    std::int64_t intInput(std::size_t index) const;
    double doubleInput(std::size_t index) const;
    bool boolInput(std::size_t index) const;
    // An IntList, with symbolic items taken from the values that produced them.
    std::vector<std::int64_t> intListInput(std::size_t index) const;
    std::vector<double> doubleListInput(std::size_t index) const;
    // A tensor list (ExecuTorch TensorList/OptionalTensorList): nullptr for absent items.
    std::vector<const Tensor*> tensorListInput(std::size_t index) const;

    std::size_t outputCount() const { return node_.outputs.size(); }
    const Value& outputValue(std::size_t index) const;
    bool hasOutput(std::size_t index) const;
    void setOutput(std::size_t index, Tensor tensor);
    void setScalarOutput(std::size_t index, AttributeValue value);
    // For operators that mutate an operand in place (ExecuTorch `Tensor(a!)` arguments that are
    // not outputs, such as batch norm's running statistics): the operand's value now holds
    // `tensor`.
    void replaceInput(std::size_t index, Tensor tensor);

    const AttributeValue* attribute(std::string_view name) const;
    std::int64_t intAttribute(std::string_view name) const;
    std::int64_t intAttribute(std::string_view name, std::int64_t fallback) const;
    double doubleAttribute(std::string_view name, double fallback) const;
    bool boolAttribute(std::string_view name, bool fallback) const;
    std::vector<std::int64_t> intsAttribute(std::string_view name) const;
    std::vector<std::int64_t> intsAttribute(std::string_view name,
                                            std::vector<std::int64_t> fallback) const;
    // An enum attribute's name, or a string attribute's text; `fallback` when absent.
    std::string enumAttribute(std::string_view name, std::string fallback = {}) const;

    std::vector<Tensor> runGraph(std::size_t graph, std::vector<Tensor> inputs) const;
    // Persistent state of the interpreter (TOSA variables), kept across invocations.
    std::map<std::string, Tensor>& variables() const { return variables_; }

    // Throws RuntimeError naming the graph and node.
    [[noreturn]] void fail(const std::string& message) const;
    // Where this node is, for messages: "graph main node 12 tosa.CONV2D (name)".
    std::string where() const;

  private:
    const Slot& slot(std::size_t index) const;
    std::int64_t valueIndex(const Operand& operand) const;

    const Graph& graph_;
    const Node& node_;
    std::vector<Slot>& slots_;
    ThreadPool& pool_;
    const GraphRunner& runGraph_;
    std::map<std::string, Tensor>& variables_;
};

// Numeric reading of a scalar attribute value (Int, Double, Bool); throws when it is none of them.
double scalarAsDouble(const AttributeValue& value);
std::int64_t scalarAsInt(const AttributeValue& value);

} // namespace pteron::runtime
