#include "app/docs/bash_completion_writer.hpp"

#include "app/cli/command_help.hpp"
#include "app/gui/gui_options.hpp"

namespace pteron {

namespace {

// Shell helpers both scripts share: files with given extensions (and folders to descend into),
// or folders only. Extglob is switched on only while a pattern is matched.
constexpr std::string_view kHelpers = R"bash(_pteron_files() {
    local restore
    restore=$(shopt -p extglob)
    shopt -s extglob
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    if [[ -n $1 ]]; then
        COMPREPLY+=($(compgen -f -X "!*.@($1)" -- "$cur") $(compgen -d -- "$cur"))
    else
        COMPREPLY+=($(compgen -f -- "$cur"))
    fi
    eval "$restore"
}

_pteron_dirs() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -d -- "$cur"))
}
)bash";

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// The `case "$prev"` arm that completes an option's value.
std::string valueArm(const OptionHelp& option) {
    std::string names(option.name);
    if (!option.shortName.empty()) names = std::string(option.shortName) + "|" + names;
    switch (option.value) {
    case OptionValue::None:
        return "";
    case OptionValue::Text:
        return "            " + names + ") return ;;\n";
    case OptionValue::File:
        return "            " + names + ") _pteron_files " + quoted(option.choices) +
               "; return ;;\n";
    case OptionValue::Directory:
        return "            " + names + ") _pteron_dirs; return ;;\n";
    case OptionValue::Choice:
        return "            " + names + ") COMPREPLY=($(compgen -W " + quoted(option.choices) +
               " -- \"$cur\")); return ;;\n";
    }
    return "";
}

std::string commandArm(const CommandHelp& command) {
    std::string options;
    std::string arms;
    for (const auto& option : command.options) {
        if (!option.shortName.empty()) options += std::string(option.shortName) + " ";
        options += std::string(option.name) + " ";
        arms += valueArm(option);
    }
    options += "--help";
    std::string text = "        " + std::string(command.name) + ")\n";
    if (!arms.empty()) text += "            case $prev in\n" + arms + "            esac\n";
    return text + "            options=" + quoted(options) + " ;;\n";
}

} // namespace

std::string cliBashCompletion() {
    std::string commands;
    for (const auto& command : commandHelps())
        commands += std::string(command.name) + " ";
    std::string script = "# bash completion for pteron, generated from its usage table.\n\n";
    script += kHelpers;
    script += "\n_pteron() {\n"
              "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
              "    local commands=" +
              quoted(commands + "help") +
              " options\n"
              "    COMPREPLY=()\n"
              "    if ((COMP_CWORD == 1)); then\n"
              "        COMPREPLY=($(compgen -W \"$commands --help --version\" -- \"$cur\"))\n"
              "        return\n"
              "    fi\n"
              "    case ${COMP_WORDS[1]} in\n";
    for (const auto& command : commandHelps())
        script += commandArm(command);
    script +=
        "        help)\n"
        "            ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n"
        "            return ;;\n"
        "        *) return ;;\n"
        "    esac\n"
        "    if [[ $cur == -* ]]; then\n"
        "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
        "        return\n"
        "    fi\n"
        "    _pteron_files " +
        quoted(modelFileExtensions()) +
        "\n"
        "}\n"
        "complete -F _pteron pteron\n";
    return script;
}

std::string guiBashCompletion() {
    std::string options;
    std::string arms;
    for (const auto& option : kGuiOptions) {
        const auto name = "--" + std::string(option.name);
        options += name + " ";
        if (option.valueName.empty()) continue;
        arms += option.extensions.empty() ? "        " + name + ") return ;;\n"
                                          : "        " + name + ") _pteron_files " +
                                                quoted(option.extensions) + "; return ;;\n";
    }
    options += "--help --version";
    std::string script = "# bash completion for pteron-gui, generated from its option table.\n\n";
    script += kHelpers;
    script += "\n_pteron_gui() {\n"
              "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
              "    COMPREPLY=()\n"
              "    case $prev in\n" +
              arms +
              "    esac\n"
              "    if [[ $cur == -* ]]; then\n"
              "        COMPREPLY=($(compgen -W " +
              quoted(options) +
              " -- \"$cur\"))\n"
              "        return\n"
              "    fi\n"
              "    _pteron_files " +
              quoted(modelFileExtensions()) +
              "\n"
              "}\n"
              "complete -F _pteron_gui pteron-gui\n";
    return script;
}

} // namespace pteron
