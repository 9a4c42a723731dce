// The result of a comparison: one row per pair of tensors, in side A's execution order.
#pragma once

#include "core/model.hpp"
#include "diff/tensor_comparison.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pteron::diff {

// Where a tensor came from: graph id, node index (-1 for a graph input or output), operator,
// and the value's name as `pteron nodes` prints it.
struct TensorPlace {
    std::string graph;
    std::int64_t node = -1;
    std::string op;
    std::string tensor;
};

struct DiffRow {
    TensorPlace a;
    TensorPlace b;
    // Side A's model graph and node, for partition labels and overlays; graph unset when side A
    // is a folder of tensors.
    std::optional<std::size_t> graphIndex;
    std::uint64_t order = 0; // side A's execution order
    TensorMetrics metrics;
    // The two tensors compared (shared handles), for views that set them side by side.
    runtime::Tensor tensorA;
    runtime::Tensor tensorB;
};

struct DiffReport {
    std::vector<DiffRow> rows;      // sorted by order
    std::vector<std::string> notes; // what was run and how the sides were matched

    // The first row that fails, in execution order.
    const DiffRow* firstDivergence() const;
    bool passed() const { return firstDivergence() == nullptr; }
    void sort();
};

} // namespace pteron::diff
