#include "runtime/interpreter.hpp"

#include "runtime/constant_tensor.hpp"
#include "runtime/kernel_context.hpp"
#include "runtime/kernels/ethosu/command_stream_executor.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace pteron::runtime {

namespace {

// Deeper nesting than this is a cycle or a hostile file, not a model.
constexpr unsigned kMaxDepth = 64;

bool isJump(const Node& node) {
    return node.op == "executorch::jump_false";
}

// The `ethos-u` operator of a Vela .tflite: its command stream, read-only data and scratch
// operands address NPU memory; only its feature maps are the data a substitute graph takes.
bool isVelaOperator(const Node& node) {
    return node.op == "tflite.custom:ethos-u";
}

bool isFeatureMapOperand(const Graph& graph, const Node& node, std::size_t operand) {
    if (!isVelaOperator(node)) return true;
    if (operand == 0) return false; // the command stream
    const auto* value = graph.value(node.inputs[operand].value);
    return value && value->kind != ValueKind::Constant;
}

// Instruction number -> node index, for jumps (the first node of a number wins); empty when the
// graph does not jump, so graphs without jumps pay nothing.
std::map<std::int64_t, std::size_t> instructionNodes(const Graph& graph) {
    std::map<std::int64_t, std::size_t> nodes;
    if (std::none_of(graph.nodes.begin(), graph.nodes.end(), isJump)) return nodes;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        if (const auto* instruction = findAttribute(graph.nodes[n].attributes, "instruction"))
            if (const auto* number = std::get_if<std::int64_t>(&instruction->value))
                nodes.emplace(*number, n);
    return nodes;
}

// Value indices a node reads, including members of lists it names.
void collectReads(const Graph& graph, const Node& node, std::vector<std::int64_t>& reads) {
    for (const auto& operand : node.inputs) {
        reads.push_back(operand.value);
        const auto* value = graph.value(operand.value);
        if (!value) continue;
        if (findAttribute(value->attributes, "list"))
            if (const auto* items = std::get_if<std::vector<std::int64_t>>(&value->scalar))
                reads.insert(reads.end(), items->begin(), items->end());
        if (const auto* items = findAttribute(value->attributes, "item values"))
            if (const auto* list = std::get_if<std::vector<std::int64_t>>(&items->value))
                reads.insert(reads.end(), list->begin(), list->end());
    }
}

// For each node, the values whose last reader it is (never graph outputs); empty when the
// graph jumps, since a loop may read a value again.
std::vector<std::vector<std::int64_t>> releasePlan(const Graph& graph) {
    std::vector<std::vector<std::int64_t>> plan(graph.nodes.size());
    if (std::any_of(graph.nodes.begin(), graph.nodes.end(), isJump)) return plan;
    std::vector<std::int64_t> lastUse(graph.values.size(), -1);
    std::vector<std::int64_t> reads;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        reads.clear();
        collectReads(graph, graph.nodes[n], reads);
        for (const auto value : reads)
            if (value >= 0 && static_cast<std::size_t>(value) < lastUse.size())
                lastUse[static_cast<std::size_t>(value)] = static_cast<std::int64_t>(n);
    }
    for (const auto output : graph.outputs)
        if (output >= 0 && static_cast<std::size_t>(output) < lastUse.size())
            lastUse[static_cast<std::size_t>(output)] = -1;
    for (std::size_t v = 0; v < lastUse.size(); ++v) {
        const auto& value = graph.values[v];
        if (lastUse[v] < 0 || value.kind == ValueKind::Scalar) continue;
        plan[static_cast<std::size_t>(lastUse[v])].push_back(static_cast<std::int64_t>(v));
    }
    return plan;
}

std::vector<Slot> initialSlots(const Graph& graph) {
    std::vector<Slot> slots(graph.values.size());
    for (std::size_t v = 0; v < graph.values.size(); ++v) {
        const auto& value = graph.values[v];
        if (value.kind == ValueKind::Scalar) slots[v].scalar = value.scalar;
        // Constants of types the runtime cannot hold (sub-byte floats) stay empty: only a
        // kernel that reads one fails, and it names the operand.
        if (holdsConstant(value)) slots[v].tensor = constantTensor(graph, value);
    }
    return slots;
}

void checkInput(const Graph& graph, const Value& value, std::size_t position, const Tensor& tensor,
                bool bounded) {
    const auto name = value.name.empty() ? "input " + std::to_string(position) : value.name;
    if (!tensor.defined())
        throw RuntimeError("graph " + graph.id + ": input " + name + " was not given");
    if (value.dtype != DType::Unknown && tensor.dtype() != value.dtype)
        throw RuntimeError("graph " + graph.id + ": input " + name + " must be " +
                           value.typeText() + ", given " + tensor.typeText());
    if (!value.hasShape) return;
    bool fits = tensor.rank() == value.shape.size();
    for (std::size_t d = 0; fits && d < value.shape.size(); ++d) {
        const auto expected = value.shape[d];
        const auto given = tensor.dim(d);
        if (expected < 0) continue;
        fits = value.dynamism == ShapeDynamism::Static && !bounded ? given == expected
                                                                   : given <= expected;
    }
    if (!fits)
        throw RuntimeError("graph " + graph.id + ": input " + name + " must be " +
                           value.typeText() + ", given " + tensor.typeText());
}

// The inputs a graph is given: their count, and each one's dtype and shape.
void checkInputs(const Graph& graph, const std::vector<Tensor>& inputs,
                 const std::vector<bool>& boundedInputs = {}) {
    if (inputs.size() != graph.inputs.size())
        throw RuntimeError("graph " + graph.id + " takes " + std::to_string(graph.inputs.size()) +
                           " inputs, given " + std::to_string(inputs.size()));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto* value = graph.value(graph.inputs[i]);
        if (!value)
            throw RuntimeError("graph " + graph.id + ": input " + std::to_string(i) +
                               " has no value");
        checkInput(graph, *value, i, inputs[i], i < boundedInputs.size() && boundedInputs[i]);
    }
}

// A scalar output of an ExecuTorch method as a tensor: Int, Double and Bool as 0-d tensors,
// integer lists as int64 vectors, and strings (names returned by metadata methods) as the
// uint8 vector of their UTF-8 bytes.
Tensor scalarOutput(const Graph& graph, const Value& value, const AttributeValue& scalar) {
    if (const auto* real = std::get_if<double>(&scalar)) {
        Tensor tensor(DType::Float64, {});
        tensor.mutableElements<double>()[0] = *real;
        return tensor;
    }
    if (const auto* flag = std::get_if<bool>(&scalar)) {
        Tensor tensor(DType::Bool, {});
        tensor.mutableElements<std::uint8_t>()[0] = *flag ? 1 : 0;
        return tensor;
    }
    if (const auto* integer = std::get_if<std::int64_t>(&scalar)) {
        Tensor tensor(DType::Int64, {});
        tensor.mutableElements<std::int64_t>()[0] = *integer;
        return tensor;
    }
    if (const auto* list = std::get_if<std::vector<std::int64_t>>(&scalar)) {
        Tensor tensor(DType::Int64, {static_cast<std::int64_t>(list->size())});
        std::copy(list->begin(), list->end(), tensor.mutableElements<std::int64_t>().begin());
        return tensor;
    }
    if (const auto* text = std::get_if<std::string>(&scalar)) {
        Tensor tensor(DType::UInt8, {static_cast<std::int64_t>(text->size())});
        std::transform(text->begin(), text->end(), tensor.mutableElements<std::uint8_t>().begin(),
                       [](char c) { return static_cast<std::uint8_t>(c); });
        return tensor;
    }
    throw RuntimeError("graph " + graph.id + ": output " + value.name + " holds " +
                       toString(scalar) + ", which is not a tensor, number or text");
}

bool isControlFlow(const Node& node) {
    return node.op == "tosa.COND_IF" || node.op == "tosa.WHILE_LOOP";
}

} // namespace

std::vector<InputSpec> inputSpecs(const Graph& graph) {
    std::vector<InputSpec> specs;
    for (std::size_t i = 0; i < graph.inputs.size(); ++i) {
        const auto* value = graph.value(graph.inputs[i]);
        InputSpec spec;
        if (value) {
            spec.name = value->name.empty() ? "input" + std::to_string(i) : value->name;
            spec.dtype = value->dtype;
            spec.shape = value->shape;
            spec.dynamic = value->dynamism != ShapeDynamism::Static;
            spec.quantization = value->quantization;
        }
        specs.push_back(std::move(spec));
    }
    return specs;
}

Interpreter::Interpreter(const Model& model, const KernelRegistry& kernels, RunOptions options)
    : model_(model), kernels_(kernels), options_(std::move(options)),
      pool_(std::make_unique<ThreadPool>(std::max(1u, options_.threads))),
      ethosuWeights_(std::make_unique<ethosu::WeightCache>()) {}

Interpreter::~Interpreter() = default;

std::vector<Tensor> Interpreter::run(std::size_t graph, std::vector<Tensor> inputs) {
    if (graph >= model_.graphs.size())
        throw RuntimeError("the model has no graph " + std::to_string(graph));
    // Inputs are checked first: a wrong input is the user's to fix even where kernels lack.
    checkInputs(model_.graphs[graph], inputs);
    auto missing = check(graph);
    if (!missing.empty()) throw MissingKernelsError(std::move(missing));
    return runGraph(model_, graph, std::move(inputs), 0);
}

std::vector<MissingKernel> Interpreter::check(std::size_t graph) const {
    std::vector<MissingKernel> missing;
    std::vector<std::size_t> visited;
    checkGraph(model_, graph, missing, visited, std::nullopt);
    return missing;
}

MissingKernel Interpreter::missingNode(const Model& model, const Graph& graph,
                                       std::size_t n) const {
    const auto& node = graph.nodes[n];
    MissingKernel item{graph.id, n, node.name, node.op, "no kernel for this operator", n};
    const bool delegated =
        node.partition < graph.partitions.size() && graph.partitions[node.partition].delegated;
    for (const auto child : node.childGraphs) {
        if (child >= model.graphs.size() || model.graphs[child].kind != "command-stream") continue;
        const auto name = node.name.empty() ? node.op : node.name;
        item.reason = "Ethos-U command stream (" +
                      std::to_string(model.graphs[child].nodes.size()) +
                      " NPU operations) is not executed; run the partition from its TOSA or "
                      ".tflite with --delegate " +
                      name + "=FILE";
        return item;
    }
    if (delegated && node.childGraphs.empty())
        item.reason = "opaque " + graph.partitions[node.partition].backend +
                      " payload: its contents are not published, so it cannot be executed";
    // What the reader noted about the node says why better than "no kernel" (a SPIR-V module
    // that is only a placeholder holds no code to execute).
    if (const auto* note = findAttribute(node.attributes, "note"))
        if (const auto* text = std::get_if<std::string>(&note->value))
            item.reason += " (" + *text + ")";
    return item;
}

void Interpreter::checkGraph(const Model& model, std::size_t graphIndex,
                             std::vector<MissingKernel>& missing, std::vector<std::size_t>& visited,
                             std::optional<std::size_t> topNode) const {
    if (graphIndex >= model.graphs.size()) return;
    if (&model == &model_) {
        if (std::find(visited.begin(), visited.end(), graphIndex) != visited.end()) return;
        visited.push_back(graphIndex);
    }
    const auto& graph = model.graphs[graphIndex];
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto& node = graph.nodes[n];
        const auto top = topNode.value_or(n);
        const bool hasKernel = kernels_.find(node.op) || isJump(node);
        if (hasKernel && !isControlFlow(node)) continue;
        if (!hasKernel) {
            if (const auto substitute = options_.substitutes.find(node.name);
                substitute != options_.substitutes.end()) {
                std::vector<std::size_t> other;
                checkGraph(*substitute->second.model, substitute->second.graph, missing, other,
                           top);
                continue;
            }
        }
        const bool runsChildren = hasKernel || node.childGraphs.size() == 1;
        if (!runsChildren) {
            auto item = missingNode(model, graph, n);
            item.topNode = top;
            missing.push_back(std::move(item));
            continue;
        }
        for (const auto child : node.childGraphs) {
            if (child < model.graphs.size() && ethosu::isCommandStreamGraph(model.graphs[child]))
                checkCommandStream(model, child, missing, top);
            else
                checkGraph(model, child, missing, visited, top);
        }
    }
}

void Interpreter::checkCommandStream(const Model& model, std::size_t graphIndex,
                                     std::vector<MissingKernel>& missing,
                                     std::size_t topNode) const {
    const auto& graph = model.graphs[graphIndex];
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto& node = graph.nodes[n];
        const auto reason = ethosu::unsupportedReason(graph, node);
        if (reason.empty()) continue;
        missing.push_back(
            {graph.id, n, node.name, node.op, "Ethos-U command stream: " + reason, topNode});
    }
}

std::vector<Tensor> Interpreter::runGraph(const Model& model, std::size_t graphIndex,
                                          std::vector<Tensor> inputs, unsigned depth,
                                          const std::vector<bool>& boundedInputs) {
    if (depth > kMaxDepth)
        throw RuntimeError("graphs nest deeper than " + std::to_string(kMaxDepth));
    if (graphIndex >= model.graphs.size())
        throw RuntimeError("the model has no graph " + std::to_string(graphIndex));
    const auto& graph = model.graphs[graphIndex];
    checkInputs(graph, inputs, boundedInputs);
    auto slots = initialSlots(graph);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto index = graph.inputs[i];
        const auto* value = graph.value(index);
        if (inputs[i].quantization.empty()) inputs[i].quantization = value->quantization;
        slots[static_cast<std::size_t>(index)].tensor = std::move(inputs[i]);
    }
    const auto release = releasePlan(graph);
    const auto instructions = instructionNodes(graph);
    // A budget on executed nodes stops a loop that never ends (ExecuTorch jumps).
    std::uint64_t budget = std::max<std::uint64_t>(1'000'000, graph.nodes.size() * 1000);
    std::size_t n = 0;
    while (n < graph.nodes.size()) {
        if (budget-- == 0) throw RuntimeError("graph " + graph.id + " does not stop jumping");
        const auto& node = graph.nodes[n];
        if (isJump(node)) {
            KernelContext context(graph, node, slots, *pool_, {}, variables_);
            if (context.boolInput(0)) {
                ++n;
                continue;
            }
            const auto target = context.intAttribute("destination_instruction");
            if (const auto found = instructions.find(target); found != instructions.end())
                n = found->second;
            else if (static_cast<std::size_t>(target) == graph.nodes.size())
                n = graph.nodes.size(); // a jump past the last instruction ends the graph
            else
                context.fail("jumps to instruction " + std::to_string(target) +
                             ", which does not exist");
            continue;
        }
        runNode(model, graphIndex, n, slots, depth);
        for (const auto value : release[n])
            slots[static_cast<std::size_t>(value)].tensor = Tensor();
        ++n;
    }
    std::vector<Tensor> outputs;
    for (const auto index : graph.outputs) {
        if (index < 0 || static_cast<std::size_t>(index) >= slots.size())
            throw RuntimeError("graph " + graph.id + " names output value " +
                               std::to_string(index));
        auto& slot = slots[static_cast<std::size_t>(index)];
        if (!slot.tensor.defined()) {
            const auto& value = graph.values[static_cast<std::size_t>(index)];
            if (value.kind != ValueKind::Scalar)
                throw RuntimeError("graph " + graph.id + ": output " + value.name +
                                   " was never computed");
            outputs.push_back(scalarOutput(graph, value, slot.scalar));
            continue;
        }
        outputs.push_back(slot.tensor);
    }
    return outputs;
}

void Interpreter::runNode(const Model& model, std::size_t graphIndex, std::size_t nodeIndex,
                          std::vector<Slot>& slots, unsigned depth) {
    const auto& graph = model.graphs[graphIndex];
    const auto& node = graph.nodes[nodeIndex];
    const auto start = std::chrono::steady_clock::now();
    if (const auto* kernel = kernels_.find(node.op)) {
        const GraphRunner regions = [&](std::size_t child, std::vector<Tensor> inputs) {
            return runGraph(model, child, std::move(inputs), depth + 1);
        };
        KernelContext context(graph, node, slots, *pool_, regions, variables_);
        try {
            (*kernel)(context);
        } catch (const MissingKernelsError&) {
            throw;
        } catch (const RuntimeError&) {
            throw;
        } catch (const std::exception& error) {
            context.fail(error.what());
        }
    } else {
        runDelegate(model, graph, node, slots, depth);
    }
    if (!options_.observer) return;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    NodeEvent event{model, graphIndex, graph, nodeIndex, node, {}, elapsed.count(), depth};
    for (const auto& output : node.outputs) {
        if (output.value < 0 || static_cast<std::size_t>(output.value) >= slots.size()) continue;
        const auto& slot = slots[static_cast<std::size_t>(output.value)];
        if (slot.tensor.defined()) event.outputs.push_back({output.value, &slot.tensor});
    }
    options_.observer->nodeFinished(event);
}

void Interpreter::runDelegate(const Model& model, const Graph& graph, const Node& node,
                              std::vector<Slot>& slots, unsigned depth) {
    const Model* target = &model;
    std::size_t child = 0;
    if (const auto substitute = options_.substitutes.find(node.name);
        substitute != options_.substitutes.end()) {
        target = substitute->second.model;
        child = substitute->second.graph;
    } else if (node.childGraphs.size() == 1) {
        child = node.childGraphs.front();
    } else {
        throw RuntimeError("graph " + graph.id + ": " + node.op + " " + node.name +
                           " has no kernel and no graph to run");
    }
    if (target == &model && child < model.graphs.size() &&
        ethosu::isCommandStreamGraph(model.graphs[child])) {
        runCommandStreamNode(model, graph, node, child, slots, depth);
        return;
    }
    std::vector<Tensor> inputs;
    // A payload declares the shapes it was planned for (XNNPACK's external values are reshaped
    // to the tensors given at each run); a dynamically shaped operand keeps its own shape.
    std::vector<bool> bounded;
    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
        const auto& operand = node.inputs[i];
        // A substitute for a Vela operator is the network it was compiled from.
        if (!isFeatureMapOperand(graph, node, i)) continue;
        if (operand.value < 0 || static_cast<std::size_t>(operand.value) >= slots.size()) continue;
        const auto& slot = slots[static_cast<std::size_t>(operand.value)];
        if (!slot.tensor.defined()) continue;
        inputs.push_back(slot.tensor);
        const auto* value = graph.value(operand.value);
        bounded.push_back(value && value->dynamism != ShapeDynamism::Static);
    }
    // A payload may declare an input as another shape of the same elements (a 0-d scalar as
    // [1]); its kernels expect the payload's declaration.
    if (child < target->graphs.size()) {
        const auto& childGraph = target->graphs[child];
        for (std::size_t i = 0; i < inputs.size() && i < childGraph.inputs.size(); ++i) {
            const auto* value = childGraph.value(childGraph.inputs[i]);
            if (value && value->hasShape && value->dynamism == ShapeDynamism::Static &&
                std::none_of(value->shape.begin(), value->shape.end(),
                             [](std::int64_t d) { return d < 0; }) &&
                value->shape != inputs[i].shape() &&
                elementCountOf(value->shape) == inputs[i].elementCount())
                inputs[i] = inputs[i].reshaped(value->shape);
        }
    }
    auto outputs = runGraph(*target, child, std::move(inputs), depth + 1, bounded);
    storeDelegateOutputs(graph, node, std::move(outputs), slots);
}

void Interpreter::runCommandStreamNode(const Model& model, const Graph& graph, const Node& node,
                                       std::size_t child, std::vector<Slot>& slots,
                                       unsigned depth) {
    ethosu::CommandStreamCall call;
    call.baseRegions = isVelaOperator(node);
    // The operator's first input is the command stream itself; base pointers follow it.
    const std::size_t first = call.baseRegions ? 1 : 0;
    for (std::size_t i = first; i < node.inputs.size(); ++i) {
        const auto index = node.inputs[i].value;
        const Tensor* tensor = nullptr;
        if (index >= 0 && static_cast<std::size_t>(index) < slots.size() &&
            slots[static_cast<std::size_t>(index)].tensor.defined())
            tensor = &slots[static_cast<std::size_t>(index)].tensor;
        if (!tensor && !call.baseRegions) continue;
        call.inputs.push_back(tensor);
        call.inputValues.push_back(graph.value(index));
    }
    for (const auto& operand : node.outputs)
        call.outputs.push_back(graph.value(operand.value));
    call.weightCache = ethosuWeights_.get();
    auto outputs = ethosu::runCommandStream(model, child, call, options_.observer, depth + 1);
    // NPU memory holds bytes: a payload may name an output uint8 where the caller reads the
    // same bytes as int8.
    for (std::size_t i = 0; i < outputs.size() && i < call.outputs.size(); ++i) {
        const auto* value = call.outputs[i];
        if (value && value->dtype != DType::Unknown && outputs[i].dtype() != value->dtype &&
            runtimeElementBytes(value->dtype) == runtimeElementBytes(outputs[i].dtype()) &&
            !isFloatingPoint(value->dtype))
            outputs[i] = outputs[i].retyped(value->dtype);
    }
    storeDelegateOutputs(graph, node, std::move(outputs), slots);
}

void Interpreter::storeDelegateOutputs(const Graph& graph, const Node& node,
                                       std::vector<Tensor> outputs, std::vector<Slot>& slots) {
    if (outputs.size() != node.outputs.size())
        throw RuntimeError("graph " + graph.id + ": " + node.name + " expects " +
                           std::to_string(node.outputs.size()) + " outputs, its graph gives " +
                           std::to_string(outputs.size()));
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const auto index = node.outputs[i].value;
        if (index < 0 || static_cast<std::size_t>(index) >= slots.size()) continue;
        const auto& value = graph.values[static_cast<std::size_t>(index)];
        if (value.dtype != DType::Unknown && outputs[i].dtype() != value.dtype)
            throw RuntimeError("graph " + graph.id + ": " + node.name + " output " +
                               std::to_string(i) + " must be " + value.typeText() +
                               ", its graph gives " + outputs[i].typeText());
        if (value.hasShape && elementCountOf(value.shape) == outputs[i].elementCount() &&
            value.shape != outputs[i].shape())
            outputs[i] = outputs[i].reshaped(value.shape);
        slots[static_cast<std::size_t>(index)].tensor = std::move(outputs[i]);
    }
}

} // namespace pteron::runtime
