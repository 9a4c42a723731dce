// Lowers the OpGraphARM body of a graph segment's SPIR-V module into nodes and values.
#pragma once

#include <cstddef>

namespace pteron::vgf {

class SegmentGraphBuilder;

// Appends the nodes of segment `segmentIndex`'s graph; false when its module holds no graph.
// TOSA extended instructions become `tosa.<OP>` nodes placed in `partition`.
bool appendSpirvGraph(SegmentGraphBuilder& builder, std::size_t segmentIndex,
                      std::size_t partition);

} // namespace pteron::vgf
