// Writes command results to the file named by -o, or to standard output for "-".
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

// Writes `content` to `path` ("-" is `out`); throws UsageError when the file cannot be written.
void writeOutput(const std::string& path, std::string_view content, std::ostream& out);

// Rewrites the short "-o X" into "--output X" so CommandLine sees one option name.
std::vector<std::string> expandShortOutput(std::span<const std::string> args);

} // namespace pteron
