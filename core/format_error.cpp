#include "core/format_error.hpp"

#include <cstdio>

namespace pteron {

namespace {
std::string composeMessage(const std::string& file, const std::string& format,
                           const std::string& where, const std::string& expected) {
    std::string message = file.empty() ? std::string("<memory>") : file;
    message += ": ";
    message += format.empty() ? "unknown format" : format;
    if (!where.empty()) message += " at " + where;
    message += ": " + expected;
    return message;
}
} // namespace

FormatError::FormatError(std::string file, std::string format, std::string where,
                         std::string expected)
    : std::runtime_error(composeMessage(file, format, where, expected)), file_(std::move(file)),
      format_(std::move(format)), where_(std::move(where)), expected_(std::move(expected)) {}

std::string atOffset(std::uint64_t offset, std::string_view tablePath) {
    char text[32];
    std::snprintf(text, sizeof text, "offset 0x%llx", static_cast<unsigned long long>(offset));
    std::string result = text;
    if (!tablePath.empty()) {
        result += " (";
        result += tablePath;
        result += ")";
    }
    return result;
}

} // namespace pteron
