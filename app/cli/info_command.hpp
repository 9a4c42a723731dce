// `pteron info FILE [--json]`: a readable or JSON summary of a model.
#pragma once

#include "core/model.hpp"

#include <ostream>
#include <span>
#include <string>

namespace pteron {

// The summary of an opened model, as readable text or as JSON.
void printInfo(const Model& model, bool json, std::ostream& out);

int runInfoCommand(std::span<const std::string> args, std::ostream& out);

} // namespace pteron
