// `pteron info FILE [--json]`: a readable or JSON summary of a model.
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace pteron {

int runInfoCommand(std::span<const std::string> args, std::ostream& out);

} // namespace pteron
