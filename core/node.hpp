// One operation of a graph: canonical op name, operands, attributes and placement.
#pragma once

#include "core/attribute.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pteron {

inline constexpr std::int64_t kAbsentValue = -1;

// An operand slot: a value index into the graph (or kAbsentValue) and an optional port name.
struct Operand {
    std::int64_t value = kAbsentValue;
    std::string name;
};

struct Node {
    std::string name; // instance name where the format has one
    std::string op;   // canonical: "aten::add.out", "tosa.CONV2D", "xnnpack.Conv2d"
    std::vector<Operand> inputs;
    std::vector<Operand> outputs;
    Attributes attributes;
    std::size_t partition = 0;            // index into Graph::partitions
    std::vector<std::size_t> childGraphs; // model graph indices (delegate payloads, regions)
    std::string namespacePath;            // grouping path, "/"-separated
    std::string location;                 // source location text when the format carries one
};

} // namespace pteron
