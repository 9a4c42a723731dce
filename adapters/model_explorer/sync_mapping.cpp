#include "adapters/model_explorer/sync_mapping.hpp"

#include "adapters/model_explorer/node_ids.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_map>

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
    matchByNames(left, right, leftUsed, rightUsed, pairing);
    matchByOpSequence(left, right, leftUsed, rightUsed, maxCells, pairing);
    std::sort(pairing.nodes.begin(), pairing.nodes.end());
    return pairing;
}

nlohmann::json syncMapping(const Model& left, const Model& right) {
    std::vector<GraphPairing> candidates;
    for (std::size_t l = 0; l < left.graphs.size(); ++l)
        for (std::size_t r = 0; r < right.graphs.size(); ++r) {
            auto pairing = pairGraphs(left.graphs[l], right.graphs[r]);
            if (pairing.nodes.empty()) continue;
            pairing.left = l;
            pairing.right = r;
            candidates.push_back(std::move(pairing));
        }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& x, const auto& y) { return x.score > y.score; });

    auto mapping = nlohmann::json::object();
    auto pairs = nlohmann::json::array();
    std::vector<bool> leftTaken(left.graphs.size(), false), rightTaken(right.graphs.size(), false);
    for (const auto& pairing : candidates) {
        if (leftTaken[pairing.left] || rightTaken[pairing.right]) continue;
        leftTaken[pairing.left] = rightTaken[pairing.right] = true;
        for (const auto& [l, r] : pairing.nodes)
            mapping[meNodeId(pairing.left, l)] = meNodeId(pairing.right, r);
        const auto& lg = left.graphs[pairing.left];
        const auto& rg = right.graphs[pairing.right];
        if (lg.inputs.size() == rg.inputs.size())
            for (std::size_t k = 0; k < lg.inputs.size(); ++k)
                mapping[meInputId(pairing.left, k)] = meInputId(pairing.right, k);
        if (lg.outputs.size() == rg.outputs.size())
            for (std::size_t k = 0; k < lg.outputs.size(); ++k)
                mapping[meOutputId(pairing.left, k)] = meOutputId(pairing.right, k);
        pairs.push_back({{"left", lg.id},
                         {"right", rg.id},
                         {"matched", pairing.nodes.size()},
                         {"byName", pairing.byName}});
    }
    return {{"mapping", std::move(mapping)}, {"graphPairs", std::move(pairs)}};
}

} // namespace pteron
