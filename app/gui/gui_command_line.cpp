#include "app/gui/gui_command_line.hpp"

#include "app/gui/gui_options.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace pteron {

namespace {

QString qt(std::string_view text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

} // namespace

GuiCommandLine::GuiCommandLine() {
    parser_.setApplicationDescription(qt(kGuiDescription));
    parser_.addHelpOption();
    parser_.addVersionOption();
    for (const auto& option : kGuiOptions)
        parser_.addOption(
            QCommandLineOption(qt(option.name), qt(option.text), qt(option.valueName)));
    parser_.addPositionalArgument(qt(kGuiFilesName), qt(kGuiFilesText), "[FILE...]");
}

void GuiCommandLine::process(const QStringList& arguments) {
    parser_.process(arguments);
}

bool GuiCommandLine::isSet(std::string_view name) const {
    return parser_.isSet(qt(name));
}

QString GuiCommandLine::value(std::string_view name) const {
    return parser_.value(qt(name));
}

void GuiCommandLine::fail(const QString& message) const {
    std::fprintf(stderr, "pteron-gui: %s\n\n%s", qPrintable(message),
                 qPrintable(parser_.helpText()));
    std::exit(1);
}

bool asksForTextOnly(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        if (!std::strcmp(arg, "--help") || !std::strcmp(arg, "-h") ||
            !std::strcmp(arg, "--help-all") || !std::strcmp(arg, "--version") ||
            !std::strcmp(arg, "-v"))
            return true;
    }
    return false;
}

} // namespace pteron
