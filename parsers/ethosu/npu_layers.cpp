#include "parsers/ethosu/npu_layers.hpp"

#include "core/node_layers.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace pteron::ethosu {

namespace {

using Shape = std::vector<std::int64_t>;

template <typename T> const T* attributeAs(const Node& node, std::string_view name) {
    const auto* attribute = findAttribute(node.attributes, name);
    return attribute ? std::get_if<T>(&attribute->value) : nullptr;
}

std::int64_t intAttribute(const Node& node, std::string_view name) {
    const auto* value = attributeAs<std::int64_t>(node, name);
    return value ? *value : 0;
}

Shape listAttribute(const Node& node, std::string_view name) {
    const auto* value = attributeAs<Shape>(node, name);
    return value ? *value : Shape{};
}

std::string textAttribute(const Node& node, std::string_view name) {
    if (const auto* text = attributeAs<std::string>(node, name)) return *text;
    if (const auto* named = attributeAs<EnumValue>(node, name)) return named->name;
    return {};
}

bool isCompute(std::string_view kind) {
    return kind == "CONV" || kind == "DEPTHWISE" || kind == "POOL" || kind == "ELEMENTWISE" ||
           kind == "RESIZE";
}

std::int64_t elementBytes(std::string_view precision) {
    if (precision == "int16" || precision == "uint16") return 2;
    if (precision == "int32" || precision == "uint32") return 4;
    if (precision == "int64") return 8;
    return 1;
}

// A feature map as the operation's registers describe it.
struct MapFacts {
    bool present = false;
    std::int64_t region = 0;
    std::int64_t base = 0;
    Shape strides; // y, x, c in bytes
    Shape shape;   // 1, h, w, c of this operation's part
    std::string precision;
    std::string layout;

    static MapFacts of(const Node& node, const std::string& prefix) {
        MapFacts map;
        map.shape = listAttribute(node, prefix + "_shape");
        map.present = map.shape.size() == 4;
        if (!map.present) return map;
        map.region = intAttribute(node, prefix + "_region");
        map.base = intAttribute(node, prefix + "_base");
        map.strides = listAttribute(node, prefix + "_strides");
        map.precision = textAttribute(node, prefix + "_precision");
        map.layout = textAttribute(node, prefix + "_layout");
        return map;
    }

    // Same tensor geometry: what the stripes of one feature map share.
    bool sameTensor(const MapFacts& other) const {
        return present == other.present && region == other.region && strides == other.strides &&
               precision == other.precision && layout == other.layout;
    }

    bool bricked() const { return layout == "NHCWB16"; }
    std::int64_t element() const { return elementBytes(precision); }

    std::pair<std::int64_t, std::int64_t> bytes() const {
        if (!present || strides.size() != 3) return {base, base};
        const auto span = [](std::int64_t count, std::int64_t stride) {
            return count > 1 ? (count - 1) * stride : 0;
        };
        std::int64_t extent = span(shape[1], strides[0]) + span(shape[2], strides[1]);
        extent += bricked() ? span((shape[3] + 15) / 16, strides[2]) + 16 * element()
                            : std::max<std::int64_t>(shape[3], 1) * element();
        return {base, base + extent};
    }

    // Strides that nest (a row holds whole columns, a column whole channels), so a byte
    // offset names one row, column and channel.
    bool regular() const {
        if (!present || strides.size() != 3 || strides[0] <= 0 || strides[1] <= 0) return false;
        if (bricked())
            return strides[1] == 16 * element() && strides[2] >= shape[2] * strides[1] &&
                   strides[0] >= (shape[3] + 15) / 16 * strides[2];
        return strides[1] >= shape[3] * element() && strides[0] >= shape[2] * strides[1];
    }

    // Row, column and channel of the part's first element, counted from byte `origin`.
    std::array<std::int64_t, 3> position(std::int64_t origin) const {
        if (strides.size() != 3 || strides[0] <= 0 || strides[1] <= 0) return {0, 0, 0};
        auto offset = base - origin;
        if (offset < 0) return {0, 0, 0};
        const auto y = offset / strides[0];
        offset %= strides[0];
        if (bricked()) {
            const auto brick = strides[2] > 0 ? offset / strides[2] : 0;
            offset -= brick * strides[2];
            return {y, offset / strides[1], brick * 16 + (offset % strides[1]) / element()};
        }
        return {y, offset / strides[1], (offset % strides[1]) / element()};
    }
};

struct ComputeFacts {
    std::string kind;
    std::string mode;
    Shape kernel;
    Shape stride;
    MapFacts ifm;
    MapFacts ifm2;
    MapFacts ofm;

    static ComputeFacts of(const Node& node, std::string kind) {
        ComputeFacts facts;
        facts.kind = std::move(kind);
        facts.mode = textAttribute(node, "mode");
        facts.kernel = listAttribute(node, "kernel_size");
        facts.stride = listAttribute(node, "kernel_stride");
        facts.ifm = MapFacts::of(node, "ifm");
        facts.ifm2 = MapFacts::of(node, "ifm2");
        facts.ofm = MapFacts::of(node, "ofm");
        return facts;
    }

    bool sameOperator(const ComputeFacts& other) const {
        return kind == other.kind && mode == other.mode && kernel == other.kernel &&
               stride == other.stride && ofm.sameTensor(other.ofm) && ifm.sameTensor(other.ifm) &&
               ifm2.present == other.ifm2.present;
    }

    bool isMove() const {
        return kind == "POOL" && kernel == Shape{1, 1} && ifm.shape == ofm.shape;
    }
};

// A layer being built: its compute operations and what they wrote and read.
struct Layer {
    ComputeFacts facts;
    std::vector<std::size_t> compute;
    std::vector<std::size_t> nodes;
    std::vector<ComputeFacts> parts;
    std::vector<std::pair<std::int64_t, std::int64_t>> written;
    std::set<std::int64_t> outputs; // values the compute operations wrote
    std::vector<std::vector<std::int64_t>> partOutputs;
    std::set<std::int64_t> readInside; // outputs a later part of the layer reads

    // True when nothing inside the layer reads what part `k` wrote: it is the layer's result.
    bool isResult(std::size_t k) const {
        return std::none_of(partOutputs[k].begin(), partOutputs[k].end(),
                            [&](std::int64_t value) { return readInside.count(value) > 0; });
    }

    bool readsOutput(const Node& node) const {
        return std::any_of(node.inputs.begin(), node.inputs.end(),
                           [&](const Operand& operand) { return outputs.count(operand.value); });
    }

    bool allMoves() const {
        return std::all_of(parts.begin(), parts.end(),
                           [](const ComputeFacts& part) { return part.isMove(); });
    }

    // A move that reads earlier moves continues them: a transpose is a copy with permuted
    // strides followed by one move per column.
    bool continuesMoves(const Node& node, const ComputeFacts& candidate) const {
        return candidate.isMove() && allMoves() && candidate.mode == facts.mode &&
               readsOutput(node);
    }

    // An elementwise operation that reads the 32-bit result of the one before continues it:
    // a residual addition with rescaled operands runs as alternating ADDs and MULs.
    bool continuesElementwise(const Node& node, const ComputeFacts& candidate) const {
        const auto& last = parts.back();
        return candidate.kind == "ELEMENTWISE" && facts.kind == "ELEMENTWISE" &&
               last.ofm.precision == "int32" && readsOutput(node);
    }

    // Another part of the same output: the same operator over the same tensors, writing where
    // no earlier part wrote.
    bool addsPart(const Node& node, const ComputeFacts& candidate) const {
        if (!facts.sameOperator(candidate) || readsOutput(node)) return false;
        const auto bytes = candidate.ofm.bytes();
        const bool bytesApart =
            std::none_of(written.begin(), written.end(), [&](const auto& range) {
                return bytes.first < range.second && range.first < bytes.second;
            });
        if (bytesApart) return true;
        // Channel slices of a brick layout interleave in memory; compare elements instead.
        if (!candidate.ofm.regular()) return false;
        auto origin = candidate.ofm.base;
        for (const auto& part : parts)
            origin = std::min(origin, part.ofm.base);
        const auto box = [&](const MapFacts& map) {
            const auto at = map.position(origin);
            return std::array<std::int64_t, 6>{at[0], at[0] + map.shape[1],
                                               at[1], at[1] + map.shape[2],
                                               at[2], at[2] + map.shape[3]};
        };
        const auto mine = box(candidate.ofm);
        return std::none_of(parts.begin(), parts.end(), [&](const ComputeFacts& part) {
            const auto other = box(part.ofm);
            return mine[0] < other[1] && other[0] < mine[1] && mine[2] < other[3] &&
                   other[2] < mine[3] && mine[4] < other[5] && other[4] < mine[5];
        });
    }

    bool accepts(const Node& node, const ComputeFacts& candidate) const {
        return addsPart(node, candidate) || continuesMoves(node, candidate) ||
               continuesElementwise(node, candidate);
    }

    void add(std::size_t index, const Node& node, ComputeFacts facts) {
        for (const auto& operand : node.inputs)
            if (outputs.count(operand.value)) readInside.insert(operand.value);
        compute.push_back(index);
        nodes.push_back(index);
        written.push_back(facts.ofm.bytes());
        partOutputs.emplace_back();
        for (const auto& operand : node.outputs) {
            outputs.insert(operand.value);
            partOutputs.back().push_back(operand.value);
        }
        parts.push_back(std::move(facts));
    }
};

std::string times(const Shape& pair) {
    if (pair.size() != 2) return "?";
    return std::to_string(pair[1]) + "×" + std::to_string(pair[0]);
}

std::string strideText(const Shape& stride) {
    if (stride.size() != 2) return {};
    if (stride[0] == stride[1]) return " s" + std::to_string(stride[0]);
    return " s" + times(stride);
}

// The feature map all parts together cover, as "int8[1,112,112,32]".
std::string coveredMap(const std::vector<ComputeFacts>& parts) {
    std::int64_t origin = parts.front().ofm.base;
    for (const auto& part : parts)
        origin = std::min(origin, part.ofm.base);
    std::array<std::int64_t, 3> extent{0, 0, 0};
    for (const auto& part : parts) {
        if (!part.ofm.present) continue;
        const auto at = part.ofm.position(origin);
        for (std::size_t axis = 0; axis < 3; ++axis)
            extent[axis] = std::max(extent[axis], at[axis] + part.ofm.shape[axis + 1]);
    }
    return parts.front().ofm.precision + "[1," + std::to_string(extent[0]) + "," +
           std::to_string(extent[1]) + "," + std::to_string(extent[2]) + "]";
}

// Moves that lay elements out differently in the output than in the input permute the tensor.
bool permutes(const Layer& layer) {
    if (layer.compute.size() < 2 || !layer.allMoves()) return false;
    return std::any_of(layer.parts.begin(), layer.parts.end(), [](const ComputeFacts& part) {
        return part.ifm.strides != part.ofm.strides || part.ifm.layout != part.ofm.layout;
    });
}

bool isChain(const Layer& layer) {
    return layer.facts.kind == "ELEMENTWISE" && layer.compute.size() > 1 &&
           layer.parts.front().ofm.precision == "int32";
}

std::string mapText(const MapFacts& map) {
    return map.precision + "[1," + std::to_string(map.shape[1]) + "," +
           std::to_string(map.shape[2]) + "," + std::to_string(map.shape[3]) + "]";
}

std::string layerKind(const Layer& layer) {
    return permutes(layer) ? "TRANSPOSE" : layer.facts.kind;
}

// What the layer wrote, as the reader after it sees it: the input of the first operation that
// reads from the layer's first written byte (a transpose's moves write it piecewise).
std::optional<std::string> readBack(const Layer& layer, const std::vector<ComputeFacts>& later) {
    std::optional<std::int64_t> first;
    for (std::size_t k = 0; k < layer.parts.size(); ++k)
        if (layer.isResult(k))
            first = std::min(first.value_or(layer.parts[k].ofm.base), layer.parts[k].ofm.base);
    if (!first) return std::nullopt;
    for (const auto& reader : later)
        if (reader.ifm.present && reader.ifm.region == layer.parts.front().ofm.region &&
            reader.ifm.base == *first)
            return mapText(reader.ifm);
    return std::nullopt;
}

// The feature map the whole layer writes, as its reader sees it.
std::string layerMap(const Layer& layer, const std::vector<ComputeFacts>& later) {
    if (permutes(layer)) return readBack(layer, later).value_or(coveredMap(layer.parts));
    return isChain(layer) ? mapText(layer.parts.back().ofm) : coveredMap(layer.parts);
}

std::string layerLabel(const Layer& layer, const std::string& map) {
    const auto& facts = layer.facts;
    const auto count = layer.compute.size();
    if (permutes(layer)) return "TRANSPOSE as " + std::to_string(count) + " moves → " + map;
    std::string label = facts.kind;
    if (!facts.mode.empty()) label += " " + facts.mode;
    if (facts.kind == "CONV" || facts.kind == "DEPTHWISE" || facts.kind == "POOL")
        label += " " + times(facts.kernel) + strideText(facts.stride);
    label += " → " + map;
    if (count > 1)
        label += ", " + std::to_string(count) +
                 (isChain(layer)   ? " operations"
                  : facts.isMove() ? " moves"
                                   : " stripes");
    return label;
}

std::string kindOf(const Node& node) {
    constexpr std::string_view kPrefix = "ethosu.";
    return node.op.starts_with(kPrefix) ? node.op.substr(kPrefix.size()) : std::string();
}

} // namespace

void markLayers(Graph& graph, std::size_t first) {
    const auto count = graph.nodes.size();
    if (first >= count) return;
    std::vector<Layer> layers;
    std::vector<std::optional<std::size_t>> layerOf(count);
    for (auto n = first; n < count; ++n) {
        const auto& node = graph.nodes[n];
        const auto kind = kindOf(node);
        if (!isCompute(kind)) continue;
        auto facts = ComputeFacts::of(node, kind);
        if (layers.empty() || !layers.back().accepts(node, facts)) {
            layers.emplace_back();
            layers.back().facts = facts;
        }
        layers.back().add(n, node, std::move(facts));
        layerOf[n] = layers.size() - 1;
    }
    if (layers.empty()) return;

    // A DMA serves the first compute operation that reads what it wrote.
    std::map<std::int64_t, std::size_t> firstReader;
    for (auto n = count; n-- > first;)
        if (layerOf[n])
            for (const auto& operand : graph.nodes[n].inputs)
                firstReader[operand.value] = n;
    std::optional<std::size_t> next;
    std::vector<std::optional<std::size_t>> nextCompute(count);
    for (auto n = count; n-- > first;) {
        if (layerOf[n]) next = layerOf[n];
        nextCompute[n] = next;
    }
    std::optional<std::size_t> previous;
    for (auto n = first; n < count; ++n) {
        if (layerOf[n]) {
            previous = layerOf[n];
            continue;
        }
        const auto kind = kindOf(graph.nodes[n]);
        if (kind == "STOP" || kind.empty()) continue;
        std::optional<std::size_t> chosen;
        for (const auto& operand : graph.nodes[n].outputs)
            if (const auto it = firstReader.find(operand.value); it != firstReader.end())
                if (!chosen || layerOf[it->second] < chosen) chosen = layerOf[it->second];
        if (!chosen) chosen = nextCompute[n] ? nextCompute[n] : previous;
        if (!chosen) continue;
        layerOf[n] = chosen;
        auto& members = layers[*chosen].nodes;
        members.insert(std::upper_bound(members.begin(), members.end(), n), n);
    }

    for (std::size_t l = 0; l < layers.size(); ++l) {
        const auto& layer = layers[l];
        // The first parts of the next few layers, where a reader of this one will be.
        std::vector<ComputeFacts> later;
        for (auto k = l + 1; k < layers.size() && k < l + 4; ++k)
            later.push_back(layers[k].parts.front());
        const auto map = layerMap(layer, later);
        const auto label = layerLabel(layer, map);
        const auto kind = layerKind(layer);
        for (const auto n : layer.nodes) {
            auto& node = graph.nodes[n];
            node.attributes.push_back({std::string(kLayerAttribute), std::int64_t(l)});
            node.attributes.push_back({std::string(kLayerLabelAttribute), label});
            node.attributes.push_back({std::string(kLayerMapAttribute), map});
            node.attributes.push_back({std::string(kLayerKindAttribute), kind});
            node.attributes.push_back(
                {std::string(kLayerStripesAttribute), std::int64_t(layer.compute.size())});
            if (layer.nodes.size() > 1 && node.namespacePath.empty())
                node.namespacePath = "layer " + std::to_string(l) + ": " + label;
        }
    }
}

} // namespace pteron::ethosu
