// `pteron render FILE [--graph ID] -o out.{svg,png,dot}`: a graph drawn by Graphviz dot.
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace pteron {

int runRenderCommand(std::span<const std::string> args, std::ostream& out);

} // namespace pteron
