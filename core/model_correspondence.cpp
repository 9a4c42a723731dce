#include "core/model_correspondence.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace pteron {

namespace {

bool isGeneratedName(const std::string& name) {
    if (name.size() < 2 || name[0] != '%') return false;
    return std::all_of(name.begin() + 1, name.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

void matchByNames(const Graph& left, const Graph& right, std::vector<bool>& leftUsed,
                  std::vector<bool>& rightUsed, GraphPairing& pairing) {
    std::unordered_map<std::string, std::size_t> producerByName;
    for (std::size_t n = 0; n < right.nodes.size(); ++n)
        for (const auto& operand : right.nodes[n].outputs)
            if (const auto* value = right.value(operand.value);
                value && !value->name.empty() && !isGeneratedName(value->name))
                producerByName.try_emplace(value->name, n);

    for (std::size_t n = 0; n < left.nodes.size(); ++n) {
        for (const auto& operand : left.nodes[n].outputs) {
            const auto* value = left.value(operand.value);
            if (!value || value->name.empty() || isGeneratedName(value->name)) continue;
            auto it = producerByName.find(value->name);
            if (it == producerByName.end() || rightUsed[it->second]) continue;
            leftUsed[n] = rightUsed[it->second] = true;
            pairing.nodes.emplace_back(n, it->second);
            ++pairing.byName;
            pairing.score += 2;
            break;
        }
    }
}

std::map<std::int64_t, std::size_t> nodesByInstruction(const Graph& graph) {
    std::map<std::int64_t, std::size_t> nodes;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        if (const auto* attribute = findAttribute(graph.nodes[n].attributes, kInstructionAttribute))
            if (const auto* number = std::get_if<std::int64_t>(&attribute->value))
                nodes.try_emplace(*number, n);
    return nodes;
}

// Pairs each node of `recorded` that names the program instructions it became with the first
// unused node of `program` at one of them; `recordedIsLeft` says which side `recorded` is.
void matchRecordedInstructions(const Graph& recorded, const Graph& program, bool recordedIsLeft,
                               std::vector<bool>& recordedUsed, std::vector<bool>& programUsed,
                               GraphPairing& pairing) {
    const auto instructions = nodesByInstruction(program);
    if (instructions.empty()) return;
    for (std::size_t n = 0; n < recorded.nodes.size(); ++n) {
        if (recordedUsed[n]) continue;
        const auto* attribute =
            findAttribute(recorded.nodes[n].attributes, kProgramInstructionsAttribute);
        const auto* ids =
            attribute ? std::get_if<std::vector<std::int64_t>>(&attribute->value) : nullptr;
        if (!ids) continue;
        for (const auto id : *ids) {
            const auto found = instructions.find(id);
            if (found == instructions.end() || programUsed[found->second]) continue;
            recordedUsed[n] = programUsed[found->second] = true;
            pairing.nodes.emplace_back(recordedIsLeft ? n : found->second,
                                       recordedIsLeft ? found->second : n);
            ++pairing.byDebugHandle;
            pairing.score += 2;
            break;
        }
    }
}

// 2 for equal names, 1 when one name holds the other ("conv" in "conv2d": NPU and TOSA
// spellings of one operation), 0 otherwise; names shorter than 3 letters only match exactly.
std::uint32_t opWeight(const std::string& left, const std::string& right) {
    if (left == right) return 2;
    const auto& shorter = left.size() < right.size() ? left : right;
    const auto& longer = left.size() < right.size() ? right : left;
    if (shorter.size() >= 3 && longer.find(shorter) != std::string::npos) return 1;
    return 0;
}

std::vector<std::size_t> unmatched(const std::vector<bool>& used) {
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < used.size(); ++i)
        if (!used[i]) indices.push_back(i);
    return indices;
}

// Distinct normalised op names as small ids, and the pair weights between them.
struct OpAlphabet {
    std::vector<std::size_t> left, right; // name id per unmatched node
    std::vector<std::uint32_t> weights;   // [leftId * rightNames + rightId]
    std::size_t rightNames = 0;
};

std::vector<std::size_t> nameIds(const Graph& graph, const std::vector<std::size_t>& nodes,
                                 std::vector<std::string>& names) {
    std::unordered_map<std::string, std::size_t> ids;
    std::vector<std::size_t> result;
    result.reserve(nodes.size());
    for (auto n : nodes) {
        auto name = normalisedOp(graph.nodes[n].op);
        auto [it, added] = ids.try_emplace(name, names.size());
        if (added) names.push_back(std::move(name));
        result.push_back(it->second);
    }
    return result;
}

OpAlphabet opAlphabet(const Graph& left, const std::vector<std::size_t>& a, const Graph& right,
                      const std::vector<std::size_t>& b) {
    OpAlphabet alphabet;
    std::vector<std::string> leftNames, rightNames;
    alphabet.left = nameIds(left, a, leftNames);
    alphabet.right = nameIds(right, b, rightNames);
    alphabet.rightNames = rightNames.size();
    alphabet.weights.resize(leftNames.size() * rightNames.size());
    for (std::size_t l = 0; l < leftNames.size(); ++l)
        for (std::size_t r = 0; r < rightNames.size(); ++r)
            alphabet.weights[l * rightNames.size() + r] = opWeight(leftNames[l], rightNames[r]);
    return alphabet;
}

void matchByOpSequence(const Graph& left, const Graph& right, const std::vector<bool>& leftUsed,
                       const std::vector<bool>& rightUsed, std::size_t maxCells,
                       GraphPairing& pairing) {
    const auto a = unmatched(leftUsed);
    const auto b = unmatched(rightUsed);
    if (a.empty() || b.empty() || (a.size() + 1) * (b.size() + 1) > maxCells) return;
    const auto alphabet = opAlphabet(left, a, right, b);
    auto weight = [&alphabet](std::size_t i, std::size_t j) {
        return alphabet.weights[alphabet.left[i] * alphabet.rightNames + alphabet.right[j]];
    };

    // table[i][j]: best weight aligning a[i..] with b[j..], filled backwards for a forward walk.
    const std::size_t width = b.size() + 1;
    std::vector<std::uint32_t> table((a.size() + 1) * width, 0);
    for (std::size_t i = a.size(); i-- > 0;)
        for (std::size_t j = b.size(); j-- > 0;) {
            const auto w = weight(i, j);
            const auto skip = std::max(table[(i + 1) * width + j], table[i * width + j + 1]);
            table[i * width + j] =
                w > 0 ? std::max(skip, w + table[(i + 1) * width + j + 1]) : skip;
        }
    pairing.score += table[0];
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const auto w = weight(i, j);
        if (w > 0 && table[i * width + j] == w + table[(i + 1) * width + j + 1]) {
            pairing.nodes.emplace_back(a[i++], b[j++]);
        } else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
}

// A value as the interface sees it: dtype and element count, so an NCHW tensor and its NHWC
// transpose (a .pte and the TOSA of its delegate) still agree.
std::string interfaceValue(const Graph& graph, std::int64_t index) {
    const auto* value = graph.value(index);
    if (!value || value->kind == ValueKind::Absent || value->kind == ValueKind::Scalar ||
        !value->hasShape)
        return {};
    return std::string(dtypeName(value->dtype)) + "x" + std::to_string(value->elementCount());
}

// The sorted tensor types going in and out; empty when either side has none.
std::string interfaceSignature(const Graph& graph, const std::vector<std::int64_t>& inputs,
                               const std::vector<std::int64_t>& outputs) {
    auto side = [&graph](const std::vector<std::int64_t>& values) {
        std::vector<std::string> types;
        for (auto index : values)
            if (auto text = interfaceValue(graph, index); !text.empty())
                types.push_back(std::move(text));
        std::sort(types.begin(), types.end());
        std::string joined;
        for (const auto& type : types)
            joined += type + ";";
        return joined;
    };
    const auto in = side(inputs);
    const auto out = side(outputs);
    if (in.empty() || out.empty()) return {};
    return in + "->" + out;
}

} // namespace

std::string normalisedOp(std::string_view op) {
    if (auto colons = op.find("::"); colons != std::string_view::npos)
        op.remove_prefix(colons + 2);
    else if (auto dot = op.find('.'); dot != std::string_view::npos)
        op.remove_prefix(dot + 1);
    // aten overload suffixes (".out", ".Tensor") name a variant, not a different operation.
    if (auto dot = op.find('.'); dot != std::string_view::npos) op = op.substr(0, dot);
    std::string text;
    for (char c : op)
        if (std::isalnum(static_cast<unsigned char>(c)))
            text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

GraphPairing pairGraphs(const Graph& left, const Graph& right, std::size_t maxCells) {
    GraphPairing pairing;
    std::vector<bool> leftUsed(left.nodes.size(), false), rightUsed(right.nodes.size(), false);
    matchRecordedInstructions(left, right, true, leftUsed, rightUsed, pairing);
    matchRecordedInstructions(right, left, false, rightUsed, leftUsed, pairing);
    matchByNames(left, right, leftUsed, rightUsed, pairing);
    matchByOpSequence(left, right, leftUsed, rightUsed, maxCells, pairing);
    std::sort(pairing.nodes.begin(), pairing.nodes.end());
    return pairing;
}

namespace {

// Values of a call node's operands that carry activations: read from a graph input or another
// node's output, or written for a graph output or another node. A Vela ethos-u operator's
// command stream, flash and scratch operands are neither and so stay out of its interface.
struct ActivationValues {
    std::set<std::int64_t> produced; // graph inputs and node outputs
    std::set<std::int64_t> consumed; // graph outputs and node inputs

    explicit ActivationValues(const Graph& graph)
        : produced(graph.inputs.begin(), graph.inputs.end()),
          consumed(graph.outputs.begin(), graph.outputs.end()) {
        for (const auto& node : graph.nodes) {
            for (const auto& operand : node.outputs)
                produced.insert(operand.value);
            for (const auto& operand : node.inputs)
                consumed.insert(operand.value);
        }
    }
};

std::vector<std::int64_t> activations(const std::vector<Operand>& operands,
                                      const std::set<std::int64_t>& keep) {
    std::vector<std::int64_t> values;
    for (const auto& operand : operands)
        if (keep.count(operand.value)) values.push_back(operand.value);
    return values;
}

// How a graph presents itself to the other model: its own interface, and that of every node
// calling it (a delegate call, a Vela ethos-u operator), since a payload corresponds to what its
// caller's tensors correspond to.
struct GraphSignatures {
    std::string own;
    std::vector<std::string> callers;
};

GraphSignatures graphSignatures(const Model& model, std::size_t graphIndex) {
    const auto& graph = model.graphs[graphIndex];
    GraphSignatures signatures{interfaceSignature(graph, graph.inputs, graph.outputs), {}};
    for (const auto& caller : model.graphs) {
        std::optional<ActivationValues> values;
        for (const auto& node : caller.nodes) {
            if (std::find(node.childGraphs.begin(), node.childGraphs.end(), graphIndex) ==
                node.childGraphs.end())
                continue;
            if (!values) values.emplace(caller);
            signatures.callers.push_back(
                interfaceSignature(caller, activations(node.inputs, values->produced),
                                   activations(node.outputs, values->consumed)));
        }
    }
    return signatures;
}

enum class Relation : std::uint8_t { None, ViaCaller, SameInterface };

Relation relation(const GraphSignatures& left, const GraphSignatures& right) {
    if (!left.own.empty() && left.own == right.own) return Relation::SameInterface;
    auto among = [](const std::string& signature, const GraphSignatures& other) {
        if (signature.empty()) return false;
        return signature == other.own || std::find(other.callers.begin(), other.callers.end(),
                                                   signature) != other.callers.end();
    };
    if (among(left.own, right)) return Relation::ViaCaller;
    for (const auto& signature : left.callers)
        if (among(signature, right)) return Relation::ViaCaller;
    return Relation::None;
}

struct Candidate {
    GraphPairing pairing;
    Relation relation = Relation::None;
};

// Graph inputs (or outputs) of a pair: by tensor name where both sides have one, else by
// position when both graphs have as many. Returns how many matched by name.
std::size_t matchTerminals(const Graph& left, const std::vector<std::int64_t>& leftValues,
                           const Graph& right, const std::vector<std::int64_t>& rightValues,
                           std::vector<std::pair<std::size_t, std::size_t>>& matched) {
    auto nameOf = [](const Graph& graph, std::int64_t index) {
        const auto* value = graph.value(index);
        return value && !isGeneratedName(value->name) ? value->name : std::string();
    };
    std::size_t byName = 0;
    std::vector<bool> rightUsed(rightValues.size(), false);
    for (std::size_t l = 0; l < leftValues.size(); ++l) {
        const auto name = nameOf(left, leftValues[l]);
        if (name.empty()) continue;
        for (std::size_t r = 0; r < rightValues.size(); ++r)
            if (!rightUsed[r] && nameOf(right, rightValues[r]) == name) {
                rightUsed[r] = true;
                matched.emplace_back(l, r);
                ++byName;
                break;
            }
    }
    if (byName == 0 && leftValues.size() == rightValues.size())
        for (std::size_t k = 0; k < leftValues.size(); ++k)
            matched.emplace_back(k, k);
    return byName;
}

} // namespace

namespace {

// Claims left and right items once each, so a pair with a lower score cannot map what a better
// pair already mapped. Items are (kind, graph, index) with kind 0 node, 1 input, 2 output.
class Claims {
  public:
    bool claim(int kind, std::size_t leftGraph, std::size_t left, std::size_t rightGraph,
               std::size_t right) {
        const Key l{kind, leftGraph, left}, r{kind, rightGraph, right};
        if (left_.count(l) || right_.count(r)) return false;
        left_.insert(l);
        right_.insert(r);
        return true;
    }

  private:
    using Key = std::tuple<int, std::size_t, std::size_t>;
    std::set<Key> left_, right_;
};

} // namespace

std::vector<GraphCorrespondence> correspondModels(const Model& left, const Model& right) {
    std::vector<GraphSignatures> rightSignatures;
    for (std::size_t r = 0; r < right.graphs.size(); ++r)
        rightSignatures.push_back(graphSignatures(right, r));
    std::vector<Candidate> candidates;
    for (std::size_t l = 0; l < left.graphs.size(); ++l) {
        const auto leftSignatures = graphSignatures(left, l);
        for (std::size_t r = 0; r < right.graphs.size(); ++r) {
            const auto related = relation(leftSignatures, rightSignatures[r]);
            if (related == Relation::None) continue;
            Candidate candidate{pairGraphs(left.graphs[l], right.graphs[r]), related};
            candidate.pairing.left = l;
            candidate.pairing.right = r;
            candidates.push_back(std::move(candidate));
        }
    }
    if (candidates.empty())
        throw std::invalid_argument(
            "no known correspondence between " + left.path + " and " + right.path +
            ": no graph (or delegate call) of one takes and gives the same tensors as a graph "
            "of the other");
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) {
        return x.pairing.score > y.pairing.score;
    });

    Claims claims;
    std::vector<GraphCorrespondence> pairs(candidates.size());
    for (std::size_t c = 0; c < candidates.size(); ++c) {
        const auto& [pairing, related] = candidates[c];
        auto& pair = pairs[c];
        pair.left = pairing.left;
        pair.right = pairing.right;
        pair.relation = related == Relation::SameInterface ? GraphRelation::SameInterface
                                                           : GraphRelation::ViaCaller;
        pair.byName = pairing.byName;
        for (const auto& [l, r] : pairing.nodes)
            if (claims.claim(0, pairing.left, l, pairing.right, r)) pair.nodes.emplace_back(l, r);
    }
    // Terminals go to the outermost graphs first: a model's input is the model's, even where a
    // payload inside it (a whole-network command stream) takes the same tensors.
    const auto depth = [&](std::size_t c) {
        return int(left.graphs[candidates[c].pairing.left].parent.has_value()) +
               int(right.graphs[candidates[c].pairing.right].parent.has_value());
    };
    std::vector<std::size_t> terminalOrder(candidates.size());
    for (std::size_t c = 0; c < candidates.size(); ++c)
        terminalOrder[c] = c;
    std::stable_sort(terminalOrder.begin(), terminalOrder.end(),
                     [&](std::size_t x, std::size_t y) { return depth(x) < depth(y); });
    for (const auto c : terminalOrder) {
        const auto& [pairing, related] = candidates[c];
        // A payload's own inputs and outputs (scratch areas, feature maps) are not the other
        // model's; only graphs with the same interface map theirs.
        if (related != Relation::SameInterface) continue;
        const auto& lg = left.graphs[pairing.left];
        const auto& rg = right.graphs[pairing.right];
        auto& pair = pairs[c];
        std::vector<std::pair<std::size_t, std::size_t>> inputs, outputs;
        pair.byName += matchTerminals(lg, lg.inputs, rg, rg.inputs, inputs);
        pair.byName += matchTerminals(lg, lg.outputs, rg, rg.outputs, outputs);
        for (const auto& [l, r] : inputs)
            if (claims.claim(1, pairing.left, l, pairing.right, r)) pair.inputs.emplace_back(l, r);
        for (const auto& [l, r] : outputs)
            if (claims.claim(2, pairing.left, l, pairing.right, r)) pair.outputs.emplace_back(l, r);
    }
    std::vector<GraphCorrespondence> result;
    for (auto& pair : pairs)
        if (!pair.nodes.empty() || !pair.inputs.empty() || !pair.outputs.empty())
            result.push_back(std::move(pair));
    return result;
}

} // namespace pteron
