#include "diff/artifact_diff.hpp"

#include "core/model_correspondence.hpp"
#include "diff/layer_diff.hpp"
#include "diff/run_capture.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace pteron::diff {

namespace {

using runtime::Tensor;

bool isTopLevel(const Model& model, std::size_t graph) {
    const auto tops = model.topLevelGraphs();
    return std::find(tops.begin(), tops.end(), graph) != tops.end();
}

// How side B is driven: its graph, its inputs, and for a payload the call of A it stands for.
struct Plan {
    std::size_t graph = 0;
    std::optional<GraphCorrespondence> same; // B's graph has A's interface
    std::optional<std::size_t> callerGraph;  // else: A's graph and node that call B's counterpart
    std::size_t callerNode = 0;
};

std::optional<Plan> samePlan(const std::vector<GraphCorrespondence>& pairs, const Model& b,
                             std::size_t graphA) {
    for (const auto& pair : pairs)
        if (pair.left == graphA && pair.relation == GraphRelation::SameInterface &&
            isTopLevel(b, pair.right))
            return Plan{pair.right, pair, std::nullopt, 0};
    return std::nullopt;
}

std::optional<Plan> callPlan(const std::vector<GraphCorrespondence>& pairs, const Model& a,
                             const Model& b) {
    for (const auto& pair : pairs) {
        if (!isTopLevel(b, pair.right)) continue;
        const auto& child = a.graphs[pair.left];
        if (!child.parent) continue;
        const auto& parent = a.graphs[*child.parent];
        for (std::size_t n = 0; n < parent.nodes.size(); ++n) {
            const auto& calls = parent.nodes[n].childGraphs;
            if (std::find(calls.begin(), calls.end(), pair.left) != calls.end())
                return Plan{pair.right, std::nullopt, *child.parent, n};
        }
    }
    return std::nullopt;
}

// `tensor` in the shape B's input expects; the runtime passes a call's operands the same way.
Tensor fitted(const Tensor& tensor, const runtime::InputSpec& spec) {
    if (tensor.dtype() != spec.dtype)
        throw runtime::RuntimeError("input " + spec.name + " of side B is " +
                                    std::string(dtypeName(spec.dtype)) + ", side A gives " +
                                    tensor.typeText());
    if (tensor.shape() == spec.shape || spec.dynamic) return tensor;
    if (tensor.elementCount() != runtime::elementCountOf(spec.shape))
        throw runtime::RuntimeError("input " + spec.name + " of side B is " +
                                    runtime::shapeText(spec.shape) + ", side A gives " +
                                    tensor.typeText());
    return tensor.reshaped(spec.shape);
}

// A call's operands that held tensors in A's run (constants and scalars are not activations).
std::vector<Tensor> callOperands(const RunCapture& capture, const Model& a, std::size_t graph,
                                 const Node& node) {
    std::vector<Tensor> operands;
    for (const auto& operand : node.inputs)
        if (const auto* tensor = capture.value(a, graph, operand.value))
            operands.push_back(*tensor);
    return operands;
}

// B's inputs from the call's operands: by position when the counts agree, else the first unused
// operand of the same dtype and element count.
std::vector<Tensor> callInputs(const std::vector<Tensor>& operands,
                               const std::vector<runtime::InputSpec>& specs) {
    std::vector<Tensor> inputs;
    if (operands.size() == specs.size()) {
        for (std::size_t i = 0; i < specs.size(); ++i)
            inputs.push_back(fitted(operands[i], specs[i]));
        return inputs;
    }
    std::vector<bool> used(operands.size(), false);
    for (const auto& spec : specs) {
        bool found = false;
        for (std::size_t i = 0; i < operands.size() && !found; ++i) {
            if (used[i] || operands[i].dtype() != spec.dtype ||
                operands[i].elementCount() != runtime::elementCountOf(spec.shape))
                continue;
            used[i] = found = true;
            inputs.push_back(fitted(operands[i], spec));
        }
        if (!found)
            throw runtime::RuntimeError("input " + spec.name +
                                        " of side B matches no operand of the delegate call");
    }
    return inputs;
}

TensorPlace placeOf(const Graph& graph, std::int64_t node, std::int64_t value) {
    TensorPlace place;
    place.graph = graph.id;
    place.node = node;
    place.op = node >= 0 ? graph.nodes[static_cast<std::size_t>(node)].op : "output";
    place.tensor = valueName(graph, value);
    return place;
}

class RowCollector {
  public:
    RowCollector(DiffReport& report, const Tolerance& tolerance)
        : report_(report), tolerance_(tolerance) {}

    void add(TensorPlace a, TensorPlace b, std::size_t graphIndex, std::uint64_t order,
             const Tensor& ta, const Tensor& tb) {
        DiffRow row;
        row.a = std::move(a);
        row.b = std::move(b);
        row.graphIndex = graphIndex;
        row.order = order;
        row.metrics = compareTensors(ta, tb, tolerance_);
        row.tensorA = ta;
        row.tensorB = tb;
        report_.rows.push_back(std::move(row));
    }

  private:
    DiffReport& report_;
    const Tolerance& tolerance_;
};

// A command stream against the network it was compiled from goes layer by layer; against
// another command stream, operation by operation.
bool comparedByLayer(const Graph& a, const Graph& b) {
    return hasLayers(a) && !hasLayers(b);
}

// Every node pair of `pairs` that ran on both sides, output by output; pairs whose outputs differ
// in size are counted in `partial` instead.
std::size_t addNodeRows(const std::vector<GraphCorrespondence>& pairs, const Model& a,
                        const RunCapture& captureA, const Model& b, const RunCapture& captureB,
                        RowCollector& rows, std::size_t& partial) {
    std::size_t compared = 0;
    for (const auto& pair : pairs) {
        const auto& ga = a.graphs[pair.left];
        const auto& gb = b.graphs[pair.right];
        if (comparedByLayer(ga, gb)) continue;
        for (const auto& [l, r] : pair.nodes) {
            // A node without operands (a TOSA CONST) holds data rather than computing it; a
            // changed constant shows at the first node that reads it.
            if (ga.nodes[l].inputs.empty()) continue;
            const auto* na = captureA.node(a, pair.left, l);
            const auto* nb = captureB.node(b, pair.right, r);
            if (!na || !nb) continue;
            // Nodes paired by operator that write different amounts (an NPU stripe writes a
            // part of what its TOSA operator writes) are no pair of tensors to compare.
            const auto outputs = std::min(na->tensors.size(), nb->tensors.size());
            bool sameSizes = true;
            for (std::size_t i = 0; i < outputs; ++i)
                sameSizes =
                    sameSizes && na->tensors[i].elementCount() == nb->tensors[i].elementCount();
            if (!sameSizes) {
                ++partial;
                continue;
            }
            ++compared;
            for (std::size_t i = 0; i < outputs; ++i)
                rows.add(placeOf(ga, static_cast<std::int64_t>(l), na->values[i]),
                         placeOf(gb, static_cast<std::int64_t>(r), nb->values[i]), pair.left,
                         na->sequence, na->tensors[i], nb->tensors[i]);
        }
    }
    return compared;
}

// Every layer of a command stream in `pairs` against the operator it implements.
std::size_t addLayerRows(const std::vector<GraphCorrespondence>& pairs, const Model& a,
                         const RunCapture& captureA, const Model& b, const RunCapture& captureB,
                         RowCollector& rows, std::vector<std::string>& notes) {
    std::size_t compared = 0;
    for (const auto& pair : pairs) {
        const auto& ga = a.graphs[pair.left];
        const auto& gb = b.graphs[pair.right];
        if (!comparedByLayer(ga, gb)) continue;
        const auto layers = matchLayers(a, pair.left, captureA, b, pair.right, captureB);
        for (const auto& match : layers.matches)
            rows.add(placeOf(ga, static_cast<std::int64_t>(match.leftNode), match.leftValue),
                     placeOf(gb, static_cast<std::int64_t>(match.rightNode), match.rightValue),
                     pair.left, match.sequence, match.left, match.right);
        compared += layers.matches.size();
        auto note = std::to_string(layers.matches.size()) + " of " + std::to_string(layers.layers) +
                    " layers of " + ga.id + " compared with the operators of " + gb.id +
                    ", each output assembled from its operations";
        if (layers.unassembled > 0)
            note += "; " + std::to_string(layers.unassembled) +
                    " paired layers wrote no whole output to compare";
        notes.push_back(std::move(note));
    }
    return compared;
}

// The graphs that stand in for side B's substituted delegates, paired with what A runs there.
std::vector<std::pair<const Model*, std::vector<GraphCorrespondence>>>
substitutePairs(const Model& a, const Artifact& b) {
    std::vector<std::pair<const Model*, std::vector<GraphCorrespondence>>> result;
    for (const auto& [name, ref] : b.substitutes) {
        std::vector<std::size_t> children;
        for (const auto& graph : a.graphs)
            for (const auto& node : graph.nodes)
                if (node.name == name)
                    children.insert(children.end(), node.childGraphs.begin(),
                                    node.childGraphs.end());
        std::vector<GraphCorrespondence> pairs;
        try {
            for (auto& pair : correspondModels(a, *ref.model))
                if (pair.right == ref.graph &&
                    std::find(children.begin(), children.end(), pair.left) != children.end())
                    pairs.push_back(std::move(pair));
        } catch (const std::invalid_argument&) {
            continue; // nothing of A corresponds: only the call's outputs are compared
        }
        result.emplace_back(ref.model, std::move(pairs));
    }
    return result;
}

} // namespace

std::string valueName(const Graph& graph, std::int64_t value) {
    const auto* found = graph.value(value);
    return found && !found->name.empty() ? found->name : "%" + std::to_string(value);
}

DiffReport compareArtifacts(const Artifact& a, std::vector<Tensor> inputs, const Artifact& b,
                            const runtime::KernelRegistry& kernels, const RunSettings& settings) {
    const auto& modelA = *a.model;
    const auto& modelB = *b.model;
    std::vector<GraphCorrespondence> pairs;
    try {
        pairs = correspondModels(modelA, modelB);
    } catch (const std::invalid_argument& error) {
        throw runtime::RuntimeError(error.what());
    }
    auto plan = samePlan(pairs, modelB, a.graph);
    if (!plan) plan = callPlan(pairs, modelA, modelB);
    if (!plan)
        throw runtime::RuntimeError(
            "no top-level graph of " + modelB.path + " corresponds to graph " +
            modelA.graphs[a.graph].id + " of " + modelA.path +
            " or to a delegate it calls; give the program that calls the other first");

    DiffReport report;
    RunCapture captureA(settings.nodeDone), captureB(settings.nodeDone);
    runtime::Interpreter runA(modelA, kernels, {settings.threads, &captureA, a.substitutes});
    captureA.recordInputs(modelA, a.graph, inputs);
    const auto outputsA = runA.run(a.graph, inputs);

    const auto& graphB = modelB.graphs[plan->graph];
    const auto specs = runtime::inputSpecs(graphB);
    std::vector<Tensor> inputsB;
    if (plan->same) {
        inputsB.resize(specs.size());
        for (const auto& [l, r] : plan->same->inputs)
            if (l < inputs.size() && r < specs.size()) inputsB[r] = fitted(inputs[l], specs[r]);
        // Inputs another graph pair already claimed still correspond: same interface, so by
        // position when both sides have as many.
        for (std::size_t r = 0; r < specs.size(); ++r)
            if (!inputsB[r].defined() && specs.size() == inputs.size())
                inputsB[r] = fitted(inputs[r], specs[r]);
        for (std::size_t r = 0; r < specs.size(); ++r)
            if (!inputsB[r].defined())
                throw runtime::RuntimeError("input " + specs[r].name +
                                            " of side B corresponds to no input of side A");
        report.notes.push_back("side B runs " + graphB.id + " on side A's inputs");
    } else {
        const auto& caller = modelA.graphs[*plan->callerGraph];
        const auto& node = caller.nodes[plan->callerNode];
        if (!captureA.node(modelA, *plan->callerGraph, plan->callerNode))
            throw runtime::RuntimeError("side A never ran " + caller.id + " #" +
                                        std::to_string(plan->callerNode) + " " + node.name +
                                        ", whose payload side B stands for");
        inputsB = callInputs(callOperands(captureA, modelA, *plan->callerGraph, node), specs);
        report.notes.push_back("side B runs " + graphB.id + " on the inputs " + caller.id + " #" +
                               std::to_string(plan->callerNode) + " " + node.name +
                               " received in side A's run");
    }
    runtime::Interpreter runB(modelB, kernels, {settings.threads, &captureB, b.substitutes});
    captureB.recordInputs(modelB, plan->graph, inputsB);
    const auto outputsB = runB.run(plan->graph, inputsB);

    RowCollector rows(report, settings.tolerance);
    std::size_t partial = 0;
    auto compared = addNodeRows(pairs, modelA, captureA, modelB, captureB, rows, partial);
    compared += addLayerRows(pairs, modelA, captureA, modelB, captureB, rows, report.notes);
    for (const auto& [model, substitutePairsOf] : substitutePairs(modelA, b)) {
        compared +=
            addNodeRows(substitutePairsOf, modelA, captureA, *model, captureB, rows, partial);
        compared +=
            addLayerRows(substitutePairsOf, modelA, captureA, *model, captureB, rows, report.notes);
    }
    if (partial > 0)
        report.notes.push_back(std::to_string(partial) +
                               " node pairs were not compared: their outputs differ in size "
                               "(a stripe of an NPU operation against its whole operator)");

    const auto end = captureA.events();
    if (plan->same) {
        const auto& graphA = modelA.graphs[a.graph];
        auto outputs = plan->same->outputs;
        if (outputs.empty() && outputsA.size() == outputsB.size())
            for (std::size_t k = 0; k < outputsA.size(); ++k)
                outputs.emplace_back(k, k);
        for (const auto& [l, r] : outputs)
            if (l < outputsA.size() && r < outputsB.size())
                rows.add(placeOf(graphA, -1, graphA.outputs[l]),
                         placeOf(graphB, -1, graphB.outputs[r]), a.graph, end + l, outputsA[l],
                         outputsB[r]);
    } else {
        const auto& caller = modelA.graphs[*plan->callerGraph];
        const auto* call = captureA.node(modelA, *plan->callerGraph, plan->callerNode);
        for (std::size_t i = 0; i < call->tensors.size() && i < outputsB.size(); ++i)
            rows.add(placeOf(caller, static_cast<std::int64_t>(plan->callerNode), call->values[i]),
                     placeOf(graphB, -1, graphB.outputs[i]), *plan->callerGraph, call->sequence,
                     call->tensors[i], outputsB[i]);
    }
    report.notes.push_back(std::to_string(compared) + " node pairs ran on both sides");
    report.sort();
    return report;
}

} // namespace pteron::diff
