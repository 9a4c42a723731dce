// `pteron nodes FILE [--graph ID]`: every node with op, placement, inputs and outputs.
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace pteron {

int runNodesCommand(std::span<const std::string> args, std::ostream& out);

} // namespace pteron
