// Turns decoded NPU operations into graph nodes whose edges follow memory written then read.
#pragma once

#include "core/graph.hpp"
#include "parsers/ethosu/ethosu_command_stream.hpp"

#include <map>
#include <optional>
#include <string>

namespace pteron::ethosu {

// What is known about a base-pointer region: its bytes (read-only weights) and a display name.
struct RegionInfo {
    std::string name; // "read_only", "scratch"
    ByteView bytes;   // empty unless the region's contents are in the file
};
using RegionMap = std::map<unsigned, RegionInfo>;

// A network input or output the payload describes: where it lives and its logical shape.
struct IoBuffer {
    std::string name; // "input_0"
    MemoryRange range;
    std::vector<std::int64_t> shape;
    DType dtype = DType::Unknown;
    Attributes attributes; // format extras kept on the value (the recorded 6-D shape)
};

// The buffer of `shape` elements of `elementSize` bytes at region + offset, or nullopt when the
// figures cannot describe memory (negative, region past 7, sizes past 2^48 bytes).
std::optional<IoBuffer> ioBuffer(std::string name, std::vector<std::int64_t> shape,
                                 std::int64_t elementSize, std::int64_t region,
                                 std::int64_t offset);

struct NetworkIo {
    std::vector<IoBuffer> inputs;
    std::vector<IoBuffer> outputs;
};

// Appends one node `ethosu.<KIND>` per operation to `graph`, all placed in `partition`. An input
// is the value written last before it by an earlier operation over an overlapping range;
// ranges nobody wrote become input or constant values. When `io` names the network's buffers,
// they become the graph's inputs and outputs: reads of an input range link to its value, and the
// last writes into an output range are the outputs; otherwise every unread write is an output.
void appendOperations(const EthosUCommandStream& stream, Graph& graph, std::size_t partition,
                      const RegionMap& regions, const NetworkIo& io = {});

// Hardware facts of the stream as attributes (product, MACs, versions, sizes).
Attributes hardwareAttributes(const EthosUCommandStream& stream);

// Name of the graph attribute listing every register command, one line each.
inline constexpr std::string_view kRegisterListing = "register_commands_listing";

// "0x0010 NPU_SET_IFM_REGION 1" for every command of the stream, in order.
std::vector<std::string> registerListing(const EthosUCommandStream& stream);

} // namespace pteron::ethosu
