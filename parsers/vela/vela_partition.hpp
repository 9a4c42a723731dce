// Recognises Vela's ethos-u custom operator in a TFLite graph and places it on the NPU.
#pragma once

#include "core/model.hpp"

#include <string_view>

namespace pteron::vela {

inline constexpr std::string_view kEthosUCustomCode = "ethos-u";

// True for Vela's ethos-u custom operator ("tflite.custom:ethos-u").
bool isEthosUOperator(const Node& node);

// Decodes the command stream of the ethos-u operator `nodeIndex` of graph `graphIndex` (its first
// input tensor) into a new child graph, gives the node its own NPU partition and returns the
// child graph's index. `ordinal` numbers the ethos-u operators of the graph. Throws FormatError.
std::size_t placeEthosUOperator(Model& model, std::size_t graphIndex, std::size_t nodeIndex,
                                std::size_t ordinal);

// Name of the node attribute (and text of Partition::note) explaining an undecodable stream.
inline constexpr std::string_view kNoteAttribute = "note";

// Gives an ethos-u operator whose command stream could not be decoded its own NPU partition
// without a child graph; `reason` becomes the partition note and a node attribute.
void placeUndecodedEthosUOperator(Model& model, std::size_t graphIndex, std::size_t nodeIndex,
                                  const std::string& reason);

} // namespace pteron::vela
