// `pteron export --to model-explorer|node-data|mapping`: Model Explorer JSON documents.
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace pteron {

int runExportCommand(std::span<const std::string> args, std::ostream& out);

} // namespace pteron
