#include "app/cli/output_file.hpp"

#include "app/cli/command_line.hpp"

#include <fstream>

namespace pteron {

void writeOutput(const std::string& path, std::string_view content, std::ostream& out) {
    if (path == "-") {
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        return;
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!file) throw UsageError("cannot write " + path);
}

std::vector<std::string> expandShortOutput(std::span<const std::string> args) {
    std::vector<std::string> expanded;
    expanded.reserve(args.size());
    for (const auto& arg : args)
        expanded.push_back(arg == "-o" ? "--output" : arg);
    return expanded;
}

} // namespace pteron
