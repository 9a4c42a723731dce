// pteron-gui: opens edge-AI deployment artifacts in the desktop inspector.
#include "app/gui/gui_command_line.hpp"
#include "app/gui/main_window.hpp"
#include "app/gui/screenshot.hpp"
#include "app/version/build_version.hpp"

#include <QApplication>

namespace {

void nameApplication() {
    QCoreApplication::setOrganizationName("pteron");
    QCoreApplication::setApplicationName("pteron-gui");
    auto version = QString::fromUtf8(pteron::kVersion.data(), qsizetype(pteron::kVersion.size()));
    if (!pteron::kGitRevision.empty())
        version +=
            " (git " +
            QString::fromUtf8(pteron::kGitRevision.data(), qsizetype(pteron::kGitRevision.size())) +
            ")";
    QCoreApplication::setApplicationVersion(version);
}

} // namespace

int main(int argc, char** argv) {
    // --help and --version answer without a display, as a command-line tool does.
    if (pteron::asksForTextOnly(argc, argv)) {
        QCoreApplication core(argc, argv);
        nameApplication();
        pteron::GuiCommandLine line;
        line.process(QCoreApplication::arguments());
    }
    QApplication app(argc, argv);
    nameApplication();
    pteron::GuiCommandLine line;
    line.process(QCoreApplication::arguments());
    const auto files = line.files();

    pteron::MainWindow window;
    if (line.isSet("screenshot")) {
        if (files.size() != 1) line.fail("--screenshot takes exactly one FILE");
        return pteron::runScreenshot(window, {line.value("screenshot"), line.value("select"),
                                              files.front(), line.isSet("horizontal"),
                                              line.isSet("expand"), line.isSet("stripes")});
    }
    window.show();
    for (const auto& file : files)
        window.openFile(file);
    return app.exec();
}
