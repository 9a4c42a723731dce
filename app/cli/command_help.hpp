// The one description of pteron's commands and options, from which `--help`, the manual page
// and the shell completion are all rendered.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

// What an option's value is, so that completion can offer the right candidates.
enum class OptionValue {
    None,      // a flag
    Text,      // free text: a name, a number
    File,      // a file; `choices` lists the extensions ("npy|json"), empty for any file
    Directory, // a folder
    Choice,    // one of the words in `choices` ("svg png dot")
};

struct OptionHelp {
    std::string_view name;      // "--output"
    std::string_view shortName; // "-o", or empty
    std::string_view argument;  // "FILE" as printed; empty for a flag
    std::string_view text;      // what it does, one sentence or two
    OptionValue value = OptionValue::None;
    std::string_view choices = {};
};

// One way to call a command, as the overview prints it.
struct UsageForm {
    std::string_view synopsis; // continuation lines start with spaces
    std::string_view summary;  // may span lines
};

struct CommandHelp {
    std::string_view name;
    std::vector<UsageForm> forms;
    std::string_view description; // a paragraph for `pteron COMMAND --help` and the manual
    std::vector<OptionHelp> options;
};

struct ExitCodeHelp {
    int code;
    std::string_view meaning;
};

// Every command, in the order the overview lists them.
std::span<const CommandHelp> commandHelps();
// Every exit status any command returns.
std::span<const ExitCodeHelp> exitCodeHelps();
const CommandHelp* findCommandHelp(std::string_view name);

// The file extensions pteron opens, as an alternation for shell patterns ("pte|bpte|...").
std::string_view modelFileExtensions();
// One line on what pteron is, for the manual's NAME section.
std::string_view programPurpose();

// `pteron --help`: every command with its forms, then the exit codes.
std::string overviewText();
// `pteron COMMAND --help`: the command's forms, description and every option it takes.
std::string commandHelpText(const CommandHelp& command);

} // namespace pteron
