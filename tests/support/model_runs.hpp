// Opening fixture models and running them whole with every kernel, for tests that compare two
// artifacts of one model on the same seeded inputs.
#pragma once

#include "core/model.hpp"
#include "runtime/tensor.hpp"

#include <cstdint>
#include <initializer_list>
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

// Runs both models on seeded int8 inputs of `shape`, once per seed, and checks that their one
// int8 output, of `outputElements` elements, is the same.
void checkSameInt8Output(const Model& a, const Model& b, const runtime::Shape& shape,
                         std::initializer_list<std::uint32_t> seeds, std::size_t outputElements);

} // namespace pteron::testing
