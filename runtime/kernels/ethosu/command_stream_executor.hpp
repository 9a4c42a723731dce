// Runs an Ethos-U command-stream graph (the NPU operations pteron decodes from a Vela command
// stream) on NPU memory: bytes are placed into regions, every operation runs in stream order,
// results are read back from where the NPU would have written them.
#pragma once

#include "core/model.hpp"
#include "runtime/kernels/ethosu/npu_weight_cache.hpp"
#include "runtime/observer.hpp"
#include "runtime/tensor.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pteron::runtime::ethosu {

// The tensors the graph is called with, and the tensors it returns. Two bindings exist:
//  - an ExecuTorch EthosUBackend payload: the graph's inputs and outputs carry their region
//    and offset (Value::allocation), `inputs` are in the graph's input order;
//  - the `ethos-u` operator of a Vela .tflite (`baseRegions`): base pointer k is the
//    operator's input k + 1 (read-only data, scratch, fast scratch, feature maps), then its
//    outputs; `inputs` are those operands and `outputs` describe the operator's outputs.
//    Operands Vela planned into the TFLite Micro arena (value attribute offline_arena_offset)
//    share one storage at their offsets, as they do on the device: the scratch region and the
//    feature maps the command stream addresses through it. Operands past the eighth have no
//    base pointer and must be in the arena.
struct CommandStreamCall {
    bool baseRegions = false;
    std::vector<const Tensor*> inputs;     // nullptr for an operand without a tensor
    std::vector<const Value*> inputValues; // baseRegions: the operands' values
    std::vector<const Value*> outputs;     // baseRegions: the operator's output values
    WeightCache* weightCache = nullptr;    // decoded weights kept across calls; may be null
};

// Runs graph `graphIndex` of `model`; every NPU operation's OFM goes to `observer` (may be
// null). Throws RuntimeError for a stream that addresses memory outside its regions, an
// operation the executor lacks, or inputs that do not fit.
std::vector<Tensor> runCommandStream(const Model& model, std::size_t graphIndex,
                                     const CommandStreamCall& call, Observer* observer,
                                     unsigned depth);

// Why the executor cannot run NPU operation `node`, or an empty string when it can.
std::string unsupportedReason(const Graph& graph, const Node& node);

// True for the graphs runCommandStream executes.
bool isCommandStreamGraph(const Graph& graph);

} // namespace pteron::runtime::ethosu
