// A layered layout in linear time (execution-order layers, barycentre ordering) for graphs too
// large for Graphviz dot; the app draws it and `pteron render` renders it, so both agree.
#pragma once

#include "adapters/layout/graph_geometry.hpp"
#include "adapters/layout/node_box.hpp"
#include "core/graph.hpp"

#include <atomic>
#include <cstddef>
#include <vector>

namespace pteron {

// Above this many operations a graph is laid out by the layered layout rather than dot, in the
// app and in `pteron render`: dot needs seconds from about a thousand nodes and minutes at ten
// thousand, and a 984-operation Ethos-U command stream took it over a minute.
inline constexpr std::size_t kDotNodeLimit = 400;

// Box sizes in points, indexed like Graph::inputs, Graph::nodes and Graph::outputs.
struct LayeredSizes {
    std::vector<BoxSize> inputs;
    std::vector<BoxSize> nodes;
    std::vector<BoxSize> outputs;
};

// Sizes estimated from the labels' characters, for callers that do not measure text.
LayeredSizes estimatedSizes(const Graph& graph);

// Node order in the result is graph inputs, operations, graph outputs (as dot's layouts);
// edges run from producer to consumer, one per (producer, consumer, value), split where the
// consumer is in the same row. Frames cover each delegated or non-CPU partition when the graph
// has several placements. A raised `cancel` (may be null) returns a cancelled layout.
GraphLayout layeredGraphLayout(const Graph& graph, const LayeredSizes& sizes, bool horizontal,
                               const std::atomic<bool>* cancel);

} // namespace pteron
