// Opening fixture models and running them whole with every kernel, for tests that compare two
// artifacts of one model on the same seeded inputs.
#pragma once

#include "core/model.hpp"
#include "runtime/tensor.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pteron::testing {

// The fixture opened by the standard reader registry.
Model openFixture(const std::string& relative);

// Deterministic int8 values over the whole range (a linear congruential sequence).
runtime::Tensor seededInt8(runtime::Shape shape, std::uint32_t seed);

// The model's first graph run on one thread with every kernel; the test fails when a node has no
// kernel.
std::vector<runtime::Tensor> runWholeModel(const Model& model, std::vector<runtime::Tensor> inputs);

} // namespace pteron::testing
