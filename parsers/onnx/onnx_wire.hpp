// Finds where each initializer's raw_data lies in the file, so weights are viewed, not copied.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pteron {

// Graph path ("graph", "graph/3:0", "graph/3:1#2" for node 3, attribute 1, graphs[2]) ->
// raw_data bytes of every initializer in order (empty span when it has none).
using RawDataLocations = std::map<std::string, std::vector<std::span<const std::byte>>>;

// Path of the graph an attribute holds: `graphIndex` is empty for `g`, the index for `graphs`.
std::string subgraphPath(const std::string& graphPath, std::size_t node, std::size_t attribute,
                         std::optional<std::size_t> graphIndex);

// Walks the protobuf wire format of a ModelProto that protobuf has already parsed. Returns
// nothing when the bytes use constructs the walk does not follow (groups), so callers copy instead.
std::optional<RawDataLocations> locateRawData(std::span<const std::byte> model);

} // namespace pteron
