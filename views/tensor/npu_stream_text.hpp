// NPU weight and scale streams are encoded bytes, not tensors: what the tensor panel says of
// them instead of decoding their bytes as elements.
#pragma once

#include "core/graph.hpp"

#include <QString>

#include <optional>

namespace pteron {

// An Ethos-U command-stream operation reading `value` as one of its encoded streams.
struct NpuStreamUse {
    const Node* node = nullptr;
    bool weights = false; // read through "weights", "weights1", …
    bool scales = false;  // read through "scales", "scales1", …; Vela may pack both in one buffer
};

// The first Ethos-U operation of `graph` that reads `value` through a weight or scale stream
// port; nullopt when no operation does.
std::optional<NpuStreamUse> npuStreamUse(const Graph& graph, std::int64_t value);

// "Ethos-U weight stream: encoded, 1,234 bytes, not a tensor; …", with what the decoded
// stream holds per output channel of the reading operation.
QString npuStreamText(const Graph& graph, const Value& value, const NpuStreamUse& use);

} // namespace pteron
