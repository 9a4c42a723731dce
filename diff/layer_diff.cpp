#include "diff/layer_diff.hpp"

#include "core/model_correspondence.hpp"
#include "core/node_layers.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace pteron::diff {

namespace {

using runtime::Tensor;

// Larger spans than this are no feature map of an embedded NPU.
constexpr std::int64_t kMaxLayerBytes = std::int64_t{64} << 20;

std::optional<std::int64_t> integerOf(const Node& node, std::string_view name) {
    if (const auto* attribute = findAttribute(node.attributes, name))
        if (const auto* number = std::get_if<std::int64_t>(&attribute->value)) return *number;
    return std::nullopt;
}

const std::vector<std::int64_t>* listOf(const Node& node, std::string_view name) {
    if (const auto* attribute = findAttribute(node.attributes, name))
        return std::get_if<std::vector<std::int64_t>>(&attribute->value);
    return nullptr;
}

// Where one operation's output lies in NPU memory: element (y, x, c) is at
// base + y * strideY + x * strideX + c * strideC (NHWC), or with NHCWB16
// base + y * strideY + x * strideX + (c / 16) * strideC + (c % 16) * elementBytes.
struct Placement {
    std::int64_t region = 0;
    std::int64_t base = 0;
    std::int64_t strideY = 0, strideX = 0, strideC = 0;
    bool brick = false; // NHCWB16
    std::int64_t elementBytes = 1;

    std::int64_t address(std::int64_t y, std::int64_t x, std::int64_t c) const {
        if (!brick) return base + y * strideY + x * strideX + c * strideC;
        return base + y * strideY + x * strideX + (c / 16) * strideC + (c % 16) * elementBytes;
    }
    // True when no two elements of a [1, h, w, c] map share an address.
    bool separates(const runtime::Shape& shape) const {
        const auto eb = elementBytes;
        if (!brick)
            return strideC == eb && strideX >= shape[3] * eb && strideY >= shape[2] * strideX;
        return strideX == 16 * eb && strideC >= shape[2] * strideX &&
               strideY >= (shape[3] + 15) / 16 * strideC;
    }
    bool sameGeometry(const Placement& other) const {
        return region == other.region && strideY == other.strideY && strideX == other.strideX &&
               strideC == other.strideC && brick == other.brick;
    }
};

std::optional<Placement> placementOf(const Node& node, const Tensor& tensor) {
    const auto region = integerOf(node, "ofm_region");
    const auto base = integerOf(node, "ofm_base");
    const auto* strides = listOf(node, "ofm_strides");
    const auto* tiles = listOf(node, "ofm_tile_bases");
    const auto* layout = findAttribute(node.attributes, "ofm_layout");
    if (!region || !base || !strides || strides->size() != 3 || !layout || tensor.rank() != 4)
        return std::nullopt;
    // Outputs split over several tiles wrap around memory; those are not placed.
    if (tiles && std::any_of(tiles->begin() + std::min<std::size_t>(1, tiles->size()), tiles->end(),
                             [](std::int64_t b) { return b != 0; }))
        return std::nullopt;
    Placement placement;
    placement.region = *region;
    placement.base = *base;
    placement.strideY = (*strides)[0];
    placement.strideX = (*strides)[1];
    placement.strideC = (*strides)[2];
    placement.brick = toString(layout->value) == "NHCWB16";
    placement.elementBytes =
        static_cast<std::int64_t>(runtime::runtimeElementBytes(tensor.dtype()));
    if (placement.elementBytes == 0 || placement.base < 0 || placement.strideY < 0 ||
        placement.strideX < 0 || placement.strideC < 0)
        return std::nullopt;
    return placement;
}

struct Stripe {
    Placement placement;
    Tensor tensor; // dense NHWC [1, h, w, c]
};

// The bytes a layer's operations wrote, by address in their region.
class LayerImage {
  public:
    explicit LayerImage(const std::vector<Stripe>& stripes) {
        if (stripes.empty()) return;
        std::int64_t low = INT64_MAX, high = 0;
        for (const auto& [placement, tensor] : stripes) {
            if (placement.region != stripes.front().placement.region) return;
            low = std::min(low, placement.base);
            high = std::max(
                high, placement.address(tensor.dim(1) - 1, tensor.dim(2) - 1, tensor.dim(3) - 1) +
                          placement.elementBytes);
        }
        if (high <= low || high - low > kMaxLayerBytes) return;
        low_ = low;
        bytes_.assign(static_cast<std::size_t>(high - low), std::byte{0});
        written_.assign(bytes_.size(), false);
        for (const auto& stripe : stripes)
            place(stripe);
        valid_ = true;
    }

    bool valid() const { return valid_; }
    std::size_t writtenBytes() const {
        return static_cast<std::size_t>(std::count(written_.begin(), written_.end(), true));
    }

    // The [1, h, w, c] tensor laid out by `layout` from the lowest address written, when every
    // element was written.
    std::optional<Tensor> read(const Placement& layout, const runtime::Shape& shape,
                               const Tensor& like) const {
        Tensor tensor(like.dtype(), shape);
        tensor.quantization = like.quantization;
        auto out = tensor.mutableBytes();
        const auto bytes = static_cast<std::size_t>(layout.elementBytes);
        std::size_t at = 0;
        for (std::int64_t y = 0; y < shape[1]; ++y)
            for (std::int64_t x = 0; x < shape[2]; ++x)
                for (std::int64_t c = 0; c < shape[3]; ++c, at += bytes) {
                    const auto address = layout.address(y, x, c) - low_;
                    if (address < 0 || static_cast<std::size_t>(address) + bytes > bytes_.size())
                        return std::nullopt;
                    const auto from = static_cast<std::size_t>(address);
                    for (std::size_t b = 0; b < bytes; ++b) {
                        if (!written_[from + b]) return std::nullopt;
                        out[at + b] = bytes_[from + b];
                    }
                }
        return tensor;
    }
    std::int64_t low() const { return low_; }

  private:
    void place(const Stripe& stripe) {
        const auto& [placement, tensor] = stripe;
        const auto source = tensor.bytes();
        const auto bytes = static_cast<std::size_t>(placement.elementBytes);
        std::size_t at = 0;
        for (std::int64_t y = 0; y < tensor.dim(1); ++y)
            for (std::int64_t x = 0; x < tensor.dim(2); ++x)
                for (std::int64_t c = 0; c < tensor.dim(3); ++c, at += bytes) {
                    const auto to = static_cast<std::size_t>(placement.address(y, x, c) - low_);
                    for (std::size_t b = 0; b < bytes; ++b) {
                        bytes_[to + b] = source[at + b];
                        written_[to + b] = true;
                    }
                }
    }

    std::int64_t low_ = 0;
    std::vector<std::byte> bytes_;
    std::vector<bool> written_;
    bool valid_ = false;
};

// The operator's output as the NPU holds it: [1, h, w, c] for a rank-4 shape, else one row.
runtime::Shape nhwcShape(const Tensor& tensor) {
    if (tensor.rank() == 4) return tensor.shape();
    return {1, 1, 1, static_cast<std::int64_t>(tensor.elementCount())};
}

std::optional<Tensor> assemble(const std::vector<Stripe>& stripes, const Tensor& target) {
    const LayerImage image(stripes);
    if (!image.valid()) return std::nullopt;
    const auto shape = nhwcShape(target);
    const auto& like = stripes.back().tensor;
    const auto elementBytes = stripes.front().placement.elementBytes;
    if (image.writtenBytes() !=
        static_cast<std::size_t>(target.elementCount()) * static_cast<std::size_t>(elementBytes))
        return std::nullopt;
    // The operations' own layout when they share one, else dense NHWC (a transpose's moves
    // write through strides of their own).
    const auto& first = stripes.front().placement;
    const bool shared = std::all_of(stripes.begin(), stripes.end(), [&first](const Stripe& s) {
        return s.placement.sameGeometry(first);
    });
    if (shared && first.separates(shape)) {
        auto layout = first;
        layout.base = image.low();
        if (auto tensor = image.read(layout, shape, like)) return tensor;
    }
    Placement dense;
    dense.region = first.region;
    dense.base = image.low();
    dense.elementBytes = elementBytes;
    dense.strideC = elementBytes;
    dense.strideX = shape[3] * elementBytes;
    dense.strideY = shape[2] * dense.strideX;
    return image.read(dense, shape, like);
}

// The source operators a layer kind implements, as normalisedOp() spells them.
bool implementsKind(std::string_view kind, std::string_view op) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kRelations{{
        {"CONV", "conv2d"},
        {"CONV", "fullyconnected"},
        {"CONV", "conv3d"},
        {"CONV", "transposeconv2d"},
        {"DEPTHWISE", "depthwiseconv2d"},
        {"POOL", "avgpool2d"},
        {"POOL", "averagepool2d"},
        {"POOL", "maxpool2d"},
        {"POOL", "mean"},
        {"ELEMENTWISE", "add"},
        {"ELEMENTWISE", "sub"},
        {"ELEMENTWISE", "mul"},
        {"ELEMENTWISE", "maximum"},
        {"ELEMENTWISE", "minimum"},
        {"ELEMENTWISE", "abs"},
        {"ELEMENTWISE", "leakyrelu"},
        {"ELEMENTWISE", "squareddifference"},
        {"TRANSPOSE", "transpose"},
        {"TRANSPOSE", "permute"},
    }};
    return std::any_of(kRelations.begin(), kRelations.end(), [&](const auto& relation) {
        return relation.first == kind && relation.second == op;
    });
}

// What the NPU applies on its way out of an operation.
bool isFusedOutputStage(std::string_view op) {
    return op == "rescale" || op == "clamp" || op == "relu" || op == "relu6" || op == "relun1to1";
}

// The node that reads `value`, when exactly one does.
std::optional<std::size_t> soleConsumer(const Graph& graph, std::int64_t value) {
    std::optional<std::size_t> found;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        for (const auto& operand : graph.nodes[n].inputs) {
            if (operand.value != value) continue;
            if (found && *found != n) return std::nullopt;
            found = n;
        }
    return found;
}

DType dtypeOf(const Graph& graph, std::int64_t value) {
    const auto* found = graph.value(value);
    return found ? found->dtype : DType::Unknown;
}

// The end of the operator's chain of fused output stages: node and output value. A stage that
// widens an 8- or 16-bit result again (the RESCALE to int32 before a residual ADD) belongs to
// the next operator.
std::pair<std::size_t, std::int64_t> fusedEnd(const Graph& graph, std::size_t node) {
    while (!graph.nodes[node].outputs.empty()) {
        const auto value = graph.nodes[node].outputs.front().value;
        const auto next = soleConsumer(graph, value);
        if (!next || !isFusedOutputStage(normalisedOp(graph.nodes[*next].op)) ||
            graph.nodes[*next].outputs.empty())
            return {node, value};
        const auto from = dtypeOf(graph, value);
        const auto to = dtypeOf(graph, graph.nodes[*next].outputs.front().value);
        if (from != DType::Int32 && from != DType::Int48 && to != from) return {node, value};
        node = *next;
    }
    return {node, -1};
}

bool readWithin(const Graph& graph, const std::vector<std::size_t>& nodes, std::int64_t value) {
    return std::any_of(nodes.begin(), nodes.end(), [&graph, value](std::size_t n) {
        const auto& inputs = graph.nodes[n].inputs;
        return std::any_of(inputs.begin(), inputs.end(),
                           [value](const auto& operand) { return operand.value == value; });
    });
}

struct LeftLayer {
    NodeLayer layer;
    std::vector<Stripe> stripes;
    bool placed = true; // every operation with an output could be placed
    std::size_t lastNode = 0;
    std::int64_t lastValue = -1;
    std::uint64_t sequence = 0;
};

std::vector<LeftLayer> leftLayers(const Model& model, std::size_t graphIndex,
                                  const RunCapture& run) {
    const auto& graph = model.graphs[graphIndex];
    std::vector<LeftLayer> layers;
    for (auto& layer : nodeLayers(graph)) {
        LeftLayer left;
        for (const auto n : layer.nodes) {
            const auto* captured = run.node(model, graphIndex, n);
            if (!captured || captured->tensors.empty()) continue;
            // What another operation of the layer reads is an intermediate (the int32 sums of
            // an ADD, a transpose's staging copy), not the layer's output.
            if (readWithin(graph, layer.nodes, captured->values.front())) continue;
            const auto placement = placementOf(graph.nodes[n], captured->tensors.front());
            if (placement)
                left.stripes.push_back({*placement, captured->tensors.front()});
            else
                left.placed = false;
            left.lastNode = n;
            left.lastValue = captured->values.front();
            left.sequence = captured->sequence;
        }
        if (left.stripes.empty() && left.placed) continue; // moves no feature map
        left.layer = std::move(layer);
        layers.push_back(std::move(left));
    }
    return layers;
}

// Longest common subsequence of layers and nodes under implementsKind().
std::vector<std::pair<std::size_t, std::size_t>> alignLayers(const std::vector<LeftLayer>& layers,
                                                             const Graph& graph) {
    std::vector<std::string> ops;
    for (const auto& node : graph.nodes)
        ops.push_back(normalisedOp(node.op));
    const auto n = layers.size(), m = ops.size();
    std::vector<std::vector<std::uint32_t>> table(n + 1, std::vector<std::uint32_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            table[i][j] = implementsKind(layers[i].layer.kind, ops[j])
                              ? table[i + 1][j + 1] + 1
                              : std::max(table[i + 1][j], table[i][j + 1]);
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (std::size_t i = 0, j = 0; i < n && j < m;) {
        if (implementsKind(layers[i].layer.kind, ops[j]) &&
            table[i][j] == table[i + 1][j + 1] + 1) {
            pairs.emplace_back(i++, j++);
        } else if (table[i + 1][j] >= table[i][j + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
    return pairs;
}

} // namespace

bool hasLayers(const Graph& graph) {
    return std::any_of(graph.nodes.begin(), graph.nodes.end(),
                       [](const Node& node) { return nodeLayer(node).has_value(); });
}

LayerComparison matchLayers(const Model& left, std::size_t leftGraph, const RunCapture& leftRun,
                            const Model& right, std::size_t rightGraph,
                            const RunCapture& rightRun) {
    LayerComparison result;
    const auto layers = leftLayers(left, leftGraph, leftRun);
    result.layers = layers.size();
    const auto& graph = right.graphs[rightGraph];
    for (const auto& [l, r] : alignLayers(layers, graph)) {
        const auto& layer = layers[l];
        const auto [node, value] = fusedEnd(graph, r);
        const auto* target = rightRun.value(right, rightGraph, value);
        if (!target) continue;
        std::optional<Tensor> assembled;
        if (layer.placed) assembled = assemble(layer.stripes, *target);
        if (!assembled) {
            ++result.unassembled;
            continue;
        }
        LayerMatch match;
        match.layer = layer.layer.id;
        match.leftNode = layer.lastNode;
        match.leftValue = layer.lastValue;
        match.sequence = layer.sequence;
        match.left = std::move(*assembled);
        match.rightNode = node;
        match.rightValue = value;
        match.right = *target;
        result.matches.push_back(std::move(match));
    }
    return result;
}

} // namespace pteron::diff
