// Parsed arguments of one pteron subcommand: positional files and --options.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pteron {

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct CommandLine {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options; // "--graph" -> "forward"; flags map to ""
    // Every value of each valued option, in order (for options given more than once).
    std::map<std::string, std::vector<std::string>> repeated;

    // Splits `args`; options in `valued` take the next argument as their value.
    static CommandLine parse(std::span<const std::string> args,
                             std::span<const std::string_view> flags,
                             std::span<const std::string_view> valued);
    bool has(std::string_view option) const { return options.count(std::string(option)) > 0; }
    std::optional<std::string> value(std::string_view option) const;
    std::vector<std::string> values(std::string_view option) const;
    // The option's value as a number >= 0, `fallback` when absent; anything else is a UsageError.
    double nonNegativeNumber(const std::string& option, double fallback) const;
};

} // namespace pteron
