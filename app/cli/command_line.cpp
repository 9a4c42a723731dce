#include "app/cli/command_line.hpp"

#include <algorithm>

namespace pteron {

CommandLine CommandLine::parse(std::span<const std::string> args,
                               std::span<const std::string_view> flags,
                               std::span<const std::string_view> valued) {
    CommandLine line;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg.rfind("--", 0) != 0) {
            line.positional.push_back(arg);
            continue;
        }
        const auto equals = arg.find('=');
        const std::string name = arg.substr(0, equals);
        if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
            line.options[name] = "";
        } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
            if (equals != std::string::npos) {
                line.options[name] = arg.substr(equals + 1);
            } else if (i + 1 < args.size()) {
                line.options[name] = args[++i];
            } else {
                throw UsageError(name + " needs a value");
            }
            line.repeated[name].push_back(line.options[name]);
        } else {
            throw UsageError("unknown option " + arg);
        }
    }
    return line;
}

std::optional<std::string> CommandLine::value(std::string_view option) const {
    auto it = options.find(std::string(option));
    if (it == options.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> CommandLine::values(std::string_view option) const {
    auto it = repeated.find(std::string(option));
    return it == repeated.end() ? std::vector<std::string>{} : it->second;
}

double CommandLine::nonNegativeNumber(const std::string& option, double fallback) const {
    const auto text = value(option);
    if (!text) return fallback;
    try {
        std::size_t used = 0;
        const double number = std::stod(*text, &used);
        if (used == text->size() && number >= 0) return number;
    } catch (const std::exception&) {
    }
    throw UsageError(option + " takes a non-negative number, given " + *text);
}

} // namespace pteron
