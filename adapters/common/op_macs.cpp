#include "adapters/common/op_macs.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace pteron {

namespace {

// How the MACs of an op follow from its shapes; every output element costs one MAC per
// element of its reduction.
enum class Rule : std::uint8_t {
    Conv,             // weight [OC, …]: reduction = weight elements / OC
    DepthwiseLastDim, // weight [1, KH, KW, C·M] (TFLite, Cortex-M): reduction = KH·KW
    DepthwiseTosa,    // weight [KH, KW, C, M]: reduction = KH·KW
    FullyConnected,   // weight [OC, IC]: reduction = IC
    MatMul,           // A [.., M, K] × B [.., K, N]: reduction = K
};

struct OpRule {
    std::string_view op;
    Rule rule;
    std::size_t operand; // input slot of the weight (or of A for a matrix product)
};

constexpr std::array kRules{
    OpRule{"tosa.CONV2D", Rule::Conv, 1},
    OpRule{"tosa.CONV3D", Rule::Conv, 1},
    OpRule{"tosa.DEPTHWISE_CONV2D", Rule::DepthwiseTosa, 1},
    OpRule{"tosa.FULLY_CONNECTED", Rule::FullyConnected, 1},
    OpRule{"tosa.MATMUL", Rule::MatMul, 0},
    OpRule{"tflite.CONV_2D", Rule::Conv, 1},
    OpRule{"tflite.DEPTHWISE_CONV_2D", Rule::DepthwiseLastDim, 1},
    OpRule{"tflite.FULLY_CONNECTED", Rule::FullyConnected, 1},
    OpRule{"tflite.BATCH_MATMUL", Rule::MatMul, 0},
    OpRule{"aten::convolution", Rule::Conv, 1},
    OpRule{"aten::convolution.out", Rule::Conv, 1},
    OpRule{"aten::linear", Rule::FullyConnected, 1},
    OpRule{"aten::linear.out", Rule::FullyConnected, 1},
    OpRule{"aten::addmm", Rule::MatMul, 1},
    OpRule{"aten::addmm.out", Rule::MatMul, 1},
    OpRule{"aten::mm", Rule::MatMul, 0},
    OpRule{"aten::mm.out", Rule::MatMul, 0},
    OpRule{"aten::bmm", Rule::MatMul, 0},
    OpRule{"aten::bmm.out", Rule::MatMul, 0},
    OpRule{"xnnpack.Conv2d", Rule::Conv, 1},
    OpRule{"xnnpack.FullyConnected", Rule::FullyConnected, 1},
    OpRule{"cortex_m::quantized_conv2d", Rule::Conv, 1},
    OpRule{"cortex_m::quantized_conv2d.out", Rule::Conv, 1},
    OpRule{"cortex_m::quantized_depthwise_conv2d", Rule::DepthwiseLastDim, 1},
    OpRule{"cortex_m::quantized_depthwise_conv2d.out", Rule::DepthwiseLastDim, 1},
    OpRule{"cortex_m::quantized_linear", Rule::FullyConnected, 1},
    OpRule{"cortex_m::quantized_linear.out", Rule::FullyConnected, 1},
};

const std::vector<std::int64_t>* staticShape(const Graph& graph, std::int64_t index) {
    const auto* value = graph.value(index);
    if (!value || !value->hasShape || value->shape.empty()) return nullptr;
    for (auto dim : value->shape)
        if (dim <= 0) return nullptr;
    return &value->shape;
}

double product(const std::vector<std::int64_t>& shape) {
    double total = 1;
    for (auto dim : shape)
        total *= double(dim);
    return total;
}

std::optional<double> reduction(Rule rule, const std::vector<std::int64_t>& weight) {
    switch (rule) {
    case Rule::Conv:
        return product(weight) / double(weight.front());
    case Rule::DepthwiseLastDim:
        if (weight.size() != 4) return std::nullopt;
        return double(weight[1]) * double(weight[2]);
    case Rule::DepthwiseTosa:
        if (weight.size() != 4) return std::nullopt;
        return double(weight[0]) * double(weight[1]);
    case Rule::FullyConnected:
        if (weight.size() != 2) return std::nullopt;
        return double(weight[1]);
    case Rule::MatMul:
        return double(weight.back());
    }
    return std::nullopt;
}

} // namespace

std::optional<double> estimateMacs(const Graph& graph, const Node& node) {
    const auto* rule = std::find_if(kRules.begin(), kRules.end(), [&](const OpRule& candidate) {
        return candidate.op == node.op;
    });
    if (rule == kRules.end() || rule->operand >= node.inputs.size() || node.outputs.empty())
        return std::nullopt;
    const auto* weight = staticShape(graph, node.inputs[rule->operand].value);
    const auto* output = staticShape(graph, node.outputs.front().value);
    if (!weight || !output) return std::nullopt;
    const auto perOutput = reduction(rule->rule, *weight);
    if (!perOutput) return std::nullopt;
    return product(*output) * *perOutput;
}

} // namespace pteron
