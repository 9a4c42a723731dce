#include "app/gui/screenshot.hpp"

#include "app/gui/main_window.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/model_document.hpp"
#include "views/panels/node_search.hpp"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QPixmap>
#include <QThread>

#include <cstdio>
#include <optional>

namespace pteron {

namespace {

constexpr int kTimeoutMs = 120000;

std::optional<SelectionTarget> findNode(const Model& model, const QString& spec) {
    bool numeric = false;
    const auto index = spec.toULongLong(&numeric);
    const auto top = model.topLevelGraphs();
    if (numeric && !top.empty() && index < model.graphs[top.front()].nodes.size())
        return SelectionTarget{SelectionTarget::Kind::Node, top.front(), std::size_t(index)};
    for (std::size_t g = 0; g < model.graphs.size(); ++g)
        for (std::size_t n = 0; n < model.graphs[g].nodes.size(); ++n)
            if (model.graphs[g].nodes[n].name == spec.toStdString())
                return SelectionTarget{SelectionTarget::Kind::Node, g, n};
    const auto hits = searchNodes(model, spec.toStdString(), SearchField::Operator);
    if (hits.empty()) return std::nullopt;
    return SelectionTarget{SelectionTarget::Kind::Node, hits.front().graph, hits.front().node};
}

// Runs the event loop until no layout is running (or the deadline passes).
bool settle(MainWindow& window) {
    QDeadlineTimer deadline(kTimeoutMs);
    do {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        auto* graph = window.currentGraph();
        if (graph && !graph->isLayoutRunning()) {
            QCoreApplication::processEvents();
            if (!graph->isLayoutRunning()) return true;
        }
        QThread::msleep(10);
    } while (!deadline.hasExpired());
    return false;
}

} // namespace

int runScreenshot(MainWindow& window, const ScreenshotRequest& request) {
    window.show();
    QString failure;
    const auto connection =
        QObject::connect(&window, &MainWindow::openFailed,
                         [&failure](const QString&, const QString& message) { failure = message; });
    window.setRecordsRecentFiles(false);
    const bool opened = window.openFile(request.file);
    QObject::disconnect(connection);
    if (!opened) {
        // The same exit code as the command line for a file that cannot be read.
        std::fprintf(stderr, "pteron-gui: %s\n",
                     qPrintable(failure.isEmpty() ? "cannot open " + request.file : failure));
        return 2;
    }
    window.currentGraph()->setHorizontal(request.horizontal);
    window.currentGraph()->setExpandInPlace(request.expand);
    window.currentGraph()->setLayersGrouped(!request.stripes);
    if (!settle(window)) return 1;
    if (!request.select.isEmpty()) {
        const auto target = findNode(window.currentDocument()->model(), request.select);
        if (!target) {
            std::fprintf(stderr, "pteron-gui: no node matches %s\n", qPrintable(request.select));
            return 1;
        }
        window.currentDocument()->selection().select(*target);
        if (!settle(window)) return 1;
    }
    if (!window.grab().save(request.output, "PNG")) {
        std::fprintf(stderr, "pteron-gui: cannot write %s\n", qPrintable(request.output));
        return 1;
    }
    return 0;
}

} // namespace pteron
