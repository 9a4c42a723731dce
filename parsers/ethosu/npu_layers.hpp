// Groups the NPU operations of a command stream into the layers of the network they implement.
#pragma once

#include "core/graph.hpp"

#include <cstddef>

namespace pteron::ethosu {

// Marks nodes[first..] of a graph of `ethosu.*` operations with the core layer attributes
// (core/node_layers.hpp). A layer is a run of compute operations of one kind, kernel and stride
// that write disjoint parts of one output feature map (same region and geometry) and read one
// input feature map without reading each other: the stripes of a convolution, the moves of a
// transpose. A DMA joins the layer of the operation that reads what it copied, a wait the layer
// of the operation it waits for; STOP belongs to none. Layers of more than one node also become
// the nodes' namespace, so exports show them as groups.
void markLayers(Graph& graph, std::size_t first = 0);

} // namespace pteron::ethosu
