// An injected fault for diff tests: one byte changed inside a node's constant weights, in a copy
// of a fixture, and the node the run first reads those weights in.
#pragma once

#include "core/model.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace pteron::testing {

struct WeightFault {
    std::size_t graph = 0;    // the model's first top-level graph
    std::size_t reader = 0;   // the first node, in execution order, that reads the weights
    std::uint64_t offset = 0; // a byte in the middle of the weights, in the file
};

// The weights of the `ordinal`-th node (from 1) whose operator is `op`: its first constant input
// of at least 64 bytes. Nothing when there is no such node.
std::optional<WeightFault> findWeightFault(const Model& model, const std::string& op,
                                           std::size_t ordinal);

// Copies `original` to `copy` and adds one to the byte at `offset` of the copy.
void writeFaultyCopy(const std::filesystem::path& original, const std::filesystem::path& copy,
                     std::uint64_t offset);

} // namespace pteron::testing
