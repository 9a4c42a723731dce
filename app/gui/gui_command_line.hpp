// The desktop application's command line: options from gui_options.hpp, --help and --version.
#pragma once

#include <QCommandLineParser>
#include <QStringList>

namespace pteron {

class GuiCommandLine {
  public:
    GuiCommandLine();
    // Parses the arguments; --help and --version print to stdout and exit 0, an unknown option
    // prints to stderr and exits 1, as Qt's parser does.
    void process(const QStringList& arguments);

    bool isSet(std::string_view name) const;
    QString value(std::string_view name) const;
    QStringList files() const { return parser_.positionalArguments(); }
    // A usage error found after parsing: the message and the help text to stderr, exit code 1.
    [[noreturn]] void fail(const QString& message) const;

  private:
    QCommandLineParser parser_;
};

// True when the arguments ask only for text (--help, --version), which needs no display.
bool asksForTextOnly(int argc, char** argv);

} // namespace pteron
