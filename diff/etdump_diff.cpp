#include "diff/etdump_diff.hpp"

#include "diff/run_capture.hpp"

#include <map>
#include <optional>

namespace pteron::diff {

namespace {

using runtime::Tensor;

std::optional<std::int64_t> integerAttribute(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    if (!attribute) return std::nullopt;
    if (const auto* value = std::get_if<std::int64_t>(&attribute->value)) return *value;
    return std::nullopt;
}

std::optional<std::string> textAttribute(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    if (!attribute) return std::nullopt;
    if (const auto* value = std::get_if<std::string>(&attribute->value)) return *value;
    return std::nullopt;
}

bool isTensor(const Value& value) {
    return value.kind != ValueKind::Scalar && value.hasShape;
}

// One tensor a debug event logged.
struct Logged {
    std::size_t node = 0; // node index in the run graph
    std::int64_t value = -1;
    bool hasBytes = false;
};

struct RunEvents {
    std::size_t graph = 0;
    std::map<std::int64_t, std::vector<Logged>> host;           // by instruction
    std::map<std::int64_t, std::vector<std::size_t>> delegated; // event nodes by instruction
    std::vector<Logged> outputs;
    std::size_t tensors = 0;
    std::size_t withBytes = 0;
};

RunEvents collect(const Model& etdump, std::size_t graphIndex) {
    const auto& graph = etdump.graphs[graphIndex];
    RunEvents events;
    events.graph = graphIndex;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto& node = graph.nodes[n];
        if (node.op != "etdump.debug") continue;
        const auto chain = integerAttribute(node, "chain").value_or(0);
        const auto instruction = integerAttribute(node, "instruction_id").value_or(-1);
        const bool delegated = findAttribute(node.attributes, "delegate_debug_id_int") ||
                               findAttribute(node.attributes, "delegate_debug_id_str");
        for (const auto& operand : node.outputs) {
            const auto* value = graph.value(operand.value);
            if (!value || !isTensor(*value)) continue;
            const Logged logged{n, operand.value,
                                !value->data.empty() || value->elementCount() == 0};
            ++events.tensors;
            if (logged.hasBytes) ++events.withBytes;
            if (value->kind == ValueKind::Output)
                events.outputs.push_back(logged);
            else if (delegated && chain == 0)
                events.delegated[instruction].push_back(n);
            else if (chain == 0 && instruction >= 0)
                events.host[instruction].push_back(logged);
        }
    }
    return events;
}

std::size_t profileEvents(const Model& etdump) {
    std::size_t count = 0;
    for (const auto& graph : etdump.graphs)
        for (const auto& node : graph.nodes)
            if (node.op != "etdump.debug" && node.op != "etdump.allocation") ++count;
    return count;
}

Tensor loggedTensor(const Graph& run, std::int64_t index) {
    const auto& value = *run.value(index);
    runtime::Shape shape(value.shape.begin(), value.shape.end());
    if (value.elementCount() == 0) return Tensor(value.dtype, shape);
    return Tensor::viewOf(value.dtype, shape, value.data);
}

std::map<std::int64_t, std::size_t> nodesByInstruction(const Graph& graph) {
    std::map<std::int64_t, std::size_t> nodes;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto& node = graph.nodes[i];
        if (integerAttribute(node, "chain").value_or(0) != 0) continue;
        if (const auto instruction = integerAttribute(node, "instruction")) nodes[*instruction] = i;
    }
    return nodes;
}

class EtdumpRows {
  public:
    EtdumpRows(const Model& program, std::size_t graph, const RunCapture& capture,
               const Model& etdump, std::size_t run, const Tolerance& tolerance, DiffReport& report)
        : program_(program), graph_(graph), capture_(capture), run_(etdump.graphs[run]),
          tolerance_(tolerance), report_(report) {}

    // A host instruction's logged tensors against the node's operands.
    void instruction(std::size_t nodeIndex, const std::vector<Logged>& logged) {
        const auto& graph = program_.graphs[graph_];
        const auto& node = graph.nodes[nodeIndex];
        const auto* captured = capture_.node(program_, graph_, nodeIndex);
        if (!captured) return;
        std::vector<std::pair<std::int64_t, const Tensor*>> operands;
        if (findAttribute(node.attributes, "delegate_index"))
            for (const auto& operand : node.inputs)
                if (const auto* tensor = capture_.value(program_, graph_, operand.value))
                    operands.emplace_back(operand.value, tensor);
        for (std::size_t i = 0; i < captured->tensors.size(); ++i)
            operands.emplace_back(captured->values[i], &captured->tensors[i]);
        // Fewer events than operands: the runtime logged the trailing ones (the outputs).
        const auto skip = operands.size() > logged.size() ? operands.size() - logged.size() : 0;
        for (std::size_t i = 0; i < logged.size() && skip + i < operands.size(); ++i) {
            const auto& [value, tensor] = operands[skip + i];
            add(graph_, static_cast<std::int64_t>(nodeIndex), value, captured->sequence, *tensor,
                logged[i]);
        }
    }

    // Events a delegate logged with its own debug ids, against its payload's nodes.
    void delegated(std::size_t callIndex, const std::vector<std::size_t>& eventNodes) {
        const auto& call = program_.graphs[graph_].nodes[callIndex];
        for (const auto eventNode : eventNodes) {
            const auto& event = run_.nodes[eventNode];
            const auto id = integerAttribute(event, "delegate_debug_id_int");
            const auto name = textAttribute(event, "delegate_debug_id_str");
            for (const auto child : call.childGraphs) {
                const auto& graph = program_.graphs[child];
                for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
                    const auto& node = graph.nodes[n];
                    const bool matches = (id && integerAttribute(node, "debug_handle") == id) ||
                                         (name && node.name == *name);
                    const auto* captured = capture_.node(program_, child, n);
                    if (!matches || !captured) continue;
                    std::size_t position = 0;
                    for (const auto& operand : event.outputs) {
                        const auto* value = run_.value(operand.value);
                        if (!value || !isTensor(*value)) continue;
                        if (position >= captured->tensors.size()) break;
                        const Logged logged{eventNode, operand.value,
                                            !value->data.empty() || value->elementCount() == 0};
                        add(child, static_cast<std::int64_t>(n), captured->values[position],
                            captured->sequence, captured->tensors[position], logged);
                        ++position;
                    }
                }
            }
        }
    }

    void outputs(const std::vector<Logged>& logged, const std::vector<Tensor>& tensors,
                 std::uint64_t order) {
        const auto& graph = program_.graphs[graph_];
        for (std::size_t i = 0; i < logged.size() && i < tensors.size(); ++i)
            add(graph_, -1, graph.outputs[i], order + i, tensors[i], logged[i]);
    }

    std::size_t withoutBytes() const { return withoutBytes_; }

  private:
    void add(std::size_t graphIndex, std::int64_t node, std::int64_t value, std::uint64_t order,
             const Tensor& reference, const Logged& logged) {
        if (!logged.hasBytes) {
            ++withoutBytes_;
            return;
        }
        const auto& graph = program_.graphs[graphIndex];
        DiffRow row;
        row.a = {graph.id, node,
                 node >= 0 ? graph.nodes[static_cast<std::size_t>(node)].op : "output",
                 valueName(graph, value)};
        row.b = {run_.id, static_cast<std::int64_t>(logged.node), "etdump.debug",
                 valueName(run_, logged.value)};
        row.graphIndex = graphIndex;
        row.order = order;
        row.tensorB = loggedTensor(run_, logged.value);
        row.tensorA = reference;
        row.metrics = compareTensors(reference, row.tensorB, tolerance_);
        report_.rows.push_back(std::move(row));
    }

    const Model& program_;
    std::size_t graph_;
    const RunCapture& capture_;
    const Graph& run_;
    const Tolerance& tolerance_;
    DiffReport& report_;
    std::size_t withoutBytes_ = 0;
};

} // namespace

DiffReport compareWithEtdump(const Artifact& program, std::vector<Tensor> inputs,
                             const Model& etdump, const runtime::KernelRegistry& kernels,
                             const RunSettings& settings) {
    std::optional<RunEvents> chosen;
    std::size_t tensors = 0;
    for (std::size_t g = 0; g < etdump.graphs.size(); ++g) {
        auto events = collect(etdump, g);
        tensors += events.tensors;
        if (!chosen && events.withBytes > 0) chosen = std::move(events);
    }
    if (tensors == 0)
        throw NothingToCompare(
            etdump.path + " holds " + std::to_string(profileEvents(etdump)) +
            " profiling events and no debug event with a tensor: the device recorded timings "
            "only (intermediate outputs are logged at EventTracerDebugLogLevel "
            "kIntermediateOutputs), so there is nothing to compare");
    if (!chosen)
        throw NothingToCompare(etdump.path + " logs " + std::to_string(tensors) +
                               " tensors but none of their bytes: give the debug buffer the "
                               "device wrote with --debug-buffer FILE");

    const auto& model = *program.model;
    RunCapture capture(settings.nodeDone);
    runtime::Interpreter interpreter(model, kernels,
                                     {settings.threads, &capture, program.substitutes});
    capture.recordInputs(model, program.graph, inputs);
    const auto outputs = interpreter.run(program.graph, inputs);

    DiffReport report;
    const auto& run = etdump.graphs[chosen->graph];
    report.notes.push_back("ETDump run " + run.id + ": " + std::to_string(chosen->tensors) +
                           " logged tensors, " + std::to_string(chosen->withBytes) + " with bytes");
    EtdumpRows rows(model, program.graph, capture, etdump, chosen->graph, settings.tolerance,
                    report);
    const auto nodes = nodesByInstruction(model.graphs[program.graph]);
    std::size_t unmatched = 0;
    for (const auto& [instruction, logged] : chosen->host) {
        const auto node = nodes.find(instruction);
        if (node == nodes.end()) {
            ++unmatched;
            continue;
        }
        rows.instruction(node->second, logged);
    }
    for (const auto& [instruction, eventNodes] : chosen->delegated) {
        const auto node = nodes.find(instruction);
        if (node == nodes.end()) {
            ++unmatched;
            continue;
        }
        rows.delegated(node->second, eventNodes);
    }
    rows.outputs(chosen->outputs, outputs, capture.events());
    if (unmatched)
        report.notes.push_back(std::to_string(unmatched) +
                               " instructions of the ETDump are not in the program");
    if (rows.withoutBytes())
        report.notes.push_back(std::to_string(rows.withoutBytes()) +
                               " logged tensors have no bytes in the debug buffer");
    report.sort();
    return report;
}

} // namespace pteron::diff
