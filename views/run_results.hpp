// What one run of the built-in runtime computed for a document: every tensor by graph and value,
// so the tensor viewer can show activations next to constants.
#pragma once

#include "core/model.hpp"
#include "runtime/tensor.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace pteron {

struct RunResults {
    // (model graph index, value index) -> tensor, inputs and every node output.
    std::map<std::pair<std::size_t, std::int64_t>, runtime::Tensor> tensors;
    std::size_t graph = 0; // the graph that was run
    std::uint64_t seed = 0;
    double seconds = 0;

    const runtime::Tensor* find(std::size_t graphIndex, std::int64_t value) const;
};

// Runs the model's first top-level graph on inputs generated from `seed` and keeps every
// tensor. Throws runtime::MissingKernelsError or runtime::RuntimeError.
RunResults runWithSeededInputs(const Model& model, std::uint64_t seed, unsigned threads);

} // namespace pteron
