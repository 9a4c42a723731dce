// The weight and bias operands of convolution, fully-connected and matrix-product operators,
// shown on their boxes as Netron does: "W ⟨32×3×3×3⟩ B ⟨32⟩".
#pragma once

#include "core/graph.hpp"

#include <string>

namespace pteron {

// "W ⟨…⟩ B ⟨…⟩" from the shapes of the constant weight and bias inputs of a known operator
// (TOSA, TFLite, aten, Cortex-M and XNNPACK convolutions, fully-connected layers, matrix
// products), in the order the model holds them; empty for other nodes or when neither input
// is a constant with a shape.
std::string nodeWeightsText(const Graph& graph, const Node& node);

} // namespace pteron
