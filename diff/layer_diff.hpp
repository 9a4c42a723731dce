// Pairs the layers of an NPU command-stream graph (core/node_layers.hpp) with the operators of
// the graph it was compiled from, each layer's output assembled from what its operations wrote.
#pragma once

#include "core/model.hpp"
#include "diff/run_capture.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace pteron::diff {

struct LayerMatch {
    std::int64_t layer = 0;
    std::size_t leftNode = 0;    // the layer's last operation with an output
    std::int64_t leftValue = -1; // that operation's output value
    std::uint64_t sequence = 0;  // when it finished in the left run
    runtime::Tensor left;        // the layer's whole output, NHWC
    std::size_t rightNode = 0;   // the operator whose output the layer computes
    std::int64_t rightValue = -1;
    runtime::Tensor right;
};

struct LayerComparison {
    std::vector<LayerMatch> matches;
    std::size_t layers = 0;      // layers with an output in the left run
    std::size_t unassembled = 0; // paired layers whose operations do not tile the operator's output
};

// True when the graph's nodes carry layers.
bool hasLayers(const Graph& graph);

// Layers pair in execution order with the operators they implement (a CONV layer with a
// convolution or fully-connected operator, DEPTHWISE with a depthwise convolution, POOL with a
// pooling, ELEMENTWISE with a binary elementwise operator, TRANSPOSE with a transpose), by the
// longest common subsequence of those relations. The NPU fuses the requantisation and clamp that
// follow an operator, so the compared output is that of the chain of RESCALE/CLAMP/RELU
// operators each sole consumer of the one before. A layer's output is assembled by placing
// every byte its operations wrote at its NPU address (the ofm_base, ofm_strides and ofm_layout
// attributes of each operation) and reading the operator's output shape back from the lowest
// address, in the operations' own layout (NHWC or NHCWB16) or else dense NHWC; a layer whose
// bytes do not cover that shape exactly is counted in `unassembled`.
LayerComparison matchLayers(const Model& left, std::size_t leftGraph, const RunCapture& leftRun,
                            const Model& right, std::size_t rightGraph, const RunCapture& rightRun);

} // namespace pteron::diff
