// Renders bash completion scripts for pteron and pteron-gui from their usage tables: commands,
// options, option values and the file types each position takes.
#pragma once

#include <string>

namespace pteron {

std::string cliBashCompletion();
std::string guiBashCompletion();

} // namespace pteron
