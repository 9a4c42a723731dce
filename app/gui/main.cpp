// pteron-gui: opens edge-AI deployment artifacts in the desktop inspector.
#include "app/gui/main_window.hpp"
#include "app/gui/screenshot.hpp"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("pteron");
    QApplication::setApplicationName("pteron-gui");
    QApplication::setApplicationVersion(PTERON_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Inspect ExecuTorch, TOSA, VGF and Vela artifacts.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot("screenshot", "Render the window to PNG FILE and exit.",
                                        "png");
    const QCommandLineOption select("select", "Select NODE (index, name or operator).", "node");
    const QCommandLineOption horizontal("horizontal", "With --screenshot: lay out left to right.");
    const QCommandLineOption expand("expand", "With --screenshot: draw delegates in place.");
    parser.addOption(screenshot);
    parser.addOption(select);
    parser.addOption(horizontal);
    parser.addOption(expand);
    parser.addPositionalArgument("files", "Model files to open.", "[FILE...]");
    parser.process(app);
    const auto files = parser.positionalArguments();

    pteron::MainWindow window;
    if (parser.isSet(screenshot)) {
        if (files.size() != 1) parser.showHelp(2);
        return pteron::runScreenshot(window,
                                     {parser.value(screenshot), parser.value(select), files.front(),
                                      parser.isSet(horizontal), parser.isSet(expand)});
    }
    window.show();
    for (const auto& file : files)
        window.openFile(file);
    return app.exec();
}
