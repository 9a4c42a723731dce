// Node ids of the Model Explorer export, shared by the graph, overlay and mapping writers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pteron {

// Ids carry the model graph index so they are unique across the whole collection; that lets one
// overlay or mapping file address nodes of parent and child graphs alike.
std::string meNodeId(std::size_t graph, std::size_t node);       // "g0.n12"
std::string meInputId(std::size_t graph, std::size_t position);  // "g0.in0"
std::string meOutputId(std::size_t graph, std::size_t position); // "g0.out0"
std::string meConstantId(std::size_t graph, std::int64_t value); // "g0.c7"

} // namespace pteron
