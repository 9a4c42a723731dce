// Multiply-accumulates of a compute operator estimated from its operand shapes.
#pragma once

#include "core/graph.hpp"

#include <optional>

namespace pteron {

// MACs of a convolution, depthwise convolution, fully-connected layer or matrix product known
// by its canonical op name (tosa.CONV2D, aten::linear, tflite.CONV_2D, xnnpack.Conv2d, …);
// nullopt for other ops or when a needed shape is missing or dynamic.
std::optional<double> estimateMacs(const Graph& graph, const Node& node);

} // namespace pteron
