// Turns the XNodes of an XNNPACK graph into graph nodes named xnnpack.<Operator>.
#pragma once

#include "core/graph.hpp"
#include "parsers/xnnpack/xnnpack_context.hpp"
#include "parsers/xnnpack/xnnpack_values.hpp"

#include <cstddef>

namespace pteron {

// Appends one node per XNode to `graph`, all placed in partition `partition`.
void decodeXnnpackNodes(const XnnpackContext& context, const XnnpackValueIds& ids,
                        std::size_t partition, Graph& graph);

} // namespace pteron
