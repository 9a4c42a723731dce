// The one error type readers throw for malformed or unsupported input.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace pteron {

// Names the file, the format, where in it (byte offset and/or table path) and what was expected.
class FormatError : public std::runtime_error {
  public:
    FormatError(std::string file, std::string format, std::string where, std::string expected);

    const std::string& file() const { return file_; }
    const std::string& format() const { return format_; }
    const std::string& where() const { return where_; }
    const std::string& expected() const { return expected_; }

  private:
    std::string file_;
    std::string format_;
    std::string where_;
    std::string expected_;
};

// Readable location text: "offset 0x1f4" or "offset 0x1f4 (Program.segments[2])".
std::string atOffset(std::uint64_t offset, std::string_view tablePath = {});

} // namespace pteron
