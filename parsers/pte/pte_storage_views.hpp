// Recovers the static views an ExecuTorch program performs without an instruction.
#pragma once

#include "core/graph.hpp"

namespace pteron {

// The emitter turns a view of static shape into a second tensor over the same planned storage
// and emits no instruction for it, which leaves its consumers without a producer. For each
// such tensor whose planned storage (memory id, offset, byte size) matches a tensor written
// earlier, inserts an `executorch::view` node before its first consumer, so the data flow the
// program really has stays visible. The node is marked as having no instruction.
void addStorageViews(Graph& graph);

} // namespace pteron
