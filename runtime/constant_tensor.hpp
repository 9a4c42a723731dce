// Turns a graph's constant value into a runtime tensor: a zero-copy view of the file's bytes, or
// an unpacked copy for types stored narrower than the runtime holds them (int48, int4, uint4).
#pragma once

#include "core/graph.hpp"
#include "runtime/tensor.hpp"

namespace pteron::runtime {

// True when the runtime can hold `value`'s constant bytes as a tensor.
bool holdsConstant(const Value& value);

// The tensor of constant `value` of `graph`; throws RuntimeError naming it when its bytes do not
// cover its shape.
Tensor constantTensor(const Graph& graph, const Value& value);

} // namespace pteron::runtime
