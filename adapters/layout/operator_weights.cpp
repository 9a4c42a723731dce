#include "adapters/layout/operator_weights.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pteron {

namespace {

constexpr std::size_t kNoBias = SIZE_MAX;

// Input slots of the weight and bias, as each format orders the operands.
struct WeightSlots {
    std::string_view op;
    std::size_t weight;
    std::size_t bias;
};

constexpr std::array<WeightSlots, 27> kSlots{{
    {"tosa.CONV2D", 1, 2},
    {"tosa.CONV3D", 1, 2},
    {"tosa.DEPTHWISE_CONV2D", 1, 2},
    {"tosa.TRANSPOSE_CONV2D", 1, 2},
    {"tosa.FULLY_CONNECTED", 1, 2},
    {"tosa.MATMUL", 1, kNoBias},
    {"tflite.CONV_2D", 1, 2},
    {"tflite.DEPTHWISE_CONV_2D", 1, 2},
    {"tflite.FULLY_CONNECTED", 1, 2},
    {"tflite.TRANSPOSE_CONV", 1, 3}, // output_shape, weights, input, bias
    {"aten::convolution", 1, 2},
    {"aten::convolution.out", 1, 2},
    {"aten::linear", 1, 2},
    {"aten::linear.out", 1, 2},
    {"aten::addmm", 2, 0}, // self (the bias), mat1, mat2
    {"aten::addmm.out", 2, 0},
    {"xnnpack.Conv2d", 1, 2},
    {"xnnpack.DepthwiseConv2d", 1, 2},
    {"xnnpack.FullyConnected", 1, 2},
    {"cortex_m::quantized_conv2d", 1, 2},
    {"cortex_m::quantized_conv2d.out", 1, 2},
    {"cortex_m::quantized_depthwise_conv2d", 1, 2},
    {"cortex_m::quantized_depthwise_conv2d.out", 1, 2},
    {"cortex_m::quantized_transpose_conv2d", 1, 2},
    {"cortex_m::quantized_transpose_conv2d.out", 1, 2},
    {"cortex_m::quantized_linear", 1, 2},
    {"cortex_m::quantized_linear.out", 1, 2},
}};

std::optional<WeightSlots> slotsOf(std::string_view op) {
    for (const auto& slots : kSlots)
        if (slots.op == op) return slots;
    return std::nullopt;
}

// The shape of input `slot` when it is constant data, "32×3×3×3".
std::string constantShape(const Graph& graph, const Node& node, std::size_t slot) {
    if (slot >= node.inputs.size()) return {};
    const auto* value = graph.value(node.inputs[slot].value);
    if (!value || !value->hasShape) return {};
    if (value->kind != ValueKind::Constant && value->data.empty()) return {};
    std::string text;
    for (const auto dim : value->shape) {
        if (!text.empty()) text += "×";
        text += std::to_string(dim);
    }
    return text.empty() ? "scalar" : text;
}

} // namespace

std::string nodeWeightsText(const Graph& graph, const Node& node) {
    const auto slots = slotsOf(node.op);
    if (!slots) return {};
    const auto weight = constantShape(graph, node, slots->weight);
    const auto bias = constantShape(graph, node, slots->bias);
    std::string text;
    if (!weight.empty()) text = "W ⟨" + weight + "⟩";
    if (!bias.empty()) text += (text.empty() ? "" : "  ") + std::string("B ⟨") + bias + "⟩";
    return text;
}

} // namespace pteron
