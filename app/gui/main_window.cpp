#include "app/gui/main_window.hpp"
#include "adapters/common/json_text.hpp"

#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "app/gui/diff_runner.hpp"
#include "app/gui/document_tab.hpp"
#include "parsers/etdump/etdump_attach.hpp"
#include "parsers/etdump/etdump_file.hpp"
#include "parsers/registry.hpp"
#include "views/diff/diff_colouring.hpp"
#include "views/diff/diff_panel.hpp"
#include "views/graph/backend_colors.hpp"
#include "views/graph/default_layout.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/graph_view.hpp"
#include "views/panels/model_tree_panel.hpp"
#include "views/panels/placement_panel.hpp"
#include "views/panels/properties_panel.hpp"
#include "views/panels/search_panel.hpp"
#include "views/panels/vela_panel.hpp"
#include "views/run_results.hpp"
#include "views/selection_model.hpp"
#include "views/tensor/tensor_panel.hpp"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPointer>
#include <QProgressDialog>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <thread>

namespace pteron {

namespace {
constexpr int kRecentLimit = 10;
const char* const kRecentKey = "recentFiles";
const char* const kLastFolderKey = "lastOpenFolder";
// Every extension a reader recognises: programs, payloads, profiles, Vela reports and output,
// and ETRecords (etrecord.bin).
const char* const kOpenPatterns =
    "*.pte *.tosa *.vgf *.tflite *.onnx *.etdp *.etdump *.csv *.npz *.bin";
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), layoutEngine_(defaultLayoutEngine()), tabs_(new QTabWidget(this)),
      tree_(new ModelTreePanel(this)), properties_(new PropertiesPanel(this)),
      tensor_(new TensorPanel(this)), placement_(new PlacementPanel(this)),
      vela_(new VelaPanel(this)), search_(new SearchPanel(this)), diff_(new DiffPanel(this)) {
    setWindowTitle(tr("pteron"));
    setAcceptDrops(true);
    tabs_->setTabsClosable(true);
    tabs_->setDocumentMode(true);
    setCentralWidget(tabs_);
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::onTabChanged);
    connect(tabs_, &QTabWidget::tabCloseRequested, this, &MainWindow::closeTab);

    addDock(tr("Model"), "modelDock", tree_, Qt::LeftDockWidgetArea);
    searchDock_ = addDock(tr("Search"), "searchDock", search_, Qt::LeftDockWidgetArea);
    auto* propertiesDock =
        addDock(tr("Properties"), "propertiesDock", properties_, Qt::RightDockWidgetArea);
    tensorDock_ = addDock(tr("Tensor"), "tensorDock", tensor_, Qt::RightDockWidgetArea);
    tabifyDockWidget(propertiesDock, tensorDock_);
    diffDock_ = addDock(tr("Diff"), "diffDock", diff_, Qt::RightDockWidgetArea);
    tabifyDockWidget(tensorDock_, diffDock_);
    propertiesDock->raise();
    auto* placementDock =
        addDock(tr("Placement"), "placementDock", placement_, Qt::BottomDockWidgetArea);
    velaDock_ = addDock(tr("Vela report"), "velaDock", vela_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(placementDock, velaDock_);
    placementDock->raise();
    buildMenus();
    statusBar()->showMessage(
        tr("Open a file: File ▸ Open, drag it here, or pass it on the command line."));
    resize(1400, 900);
}

QDockWidget* MainWindow::addDock(const QString& title, const QString& name, QWidget* content,
                                 Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(content);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openByDialog)
        ->setObjectName("openAction");
    recentMenu_ = file->addMenu(tr("Open &recent"));
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("Export view as PNG/SVG…"), this,
                    [this] { exportByDialog(ExportArea::Visible); });
    file->addAction(tr("Export whole graph as PNG/SVG…"), QKeySequence(tr("Ctrl+E")), this,
                    [this] { exportByDialog(ExportArea::WholeScene); });
    file->addAction(tr("Export Model Explorer JSON…"), this, &MainWindow::exportModelExplorer);
    file->addSeparator();
    file->addAction(tr("&Close tab"), QKeySequence::Close, this,
                    [this] { closeTab(tabs_->currentIndex()); });
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* find = menuBar()->addMenu(tr("&Search"));
    find->addAction(tr("&Find…"), QKeySequence::Find, this, [this] {
        searchDock_->show();
        searchDock_->raise();
        search_->focusSearch();
    });
    find->addAction(tr("Find &next"), QKeySequence::FindNext, search_, &SearchPanel::next);
    find->addAction(tr("Find &previous"), QKeySequence::FindPrevious, search_,
                    &SearchPanel::previous);

    auto* model = menuBar()->addMenu(tr("&Model"));
    model->addAction(tr("&Run with seeded inputs"), QKeySequence(tr("Ctrl+R")), this,
                     [this] { runCurrentModel(0); });
    auto* diffAction = model->addAction(tr("&Diff against…"), QKeySequence(tr("Ctrl+D")), this,
                                        &MainWindow::diffByDialog);
    diffAction->setObjectName("diffAction");
    model->addAction(tr("Diff against &tensor folder…"), this, [this] {
        if (!currentDocument()) return;
        const auto folder = QFileDialog::getExistingDirectory(
            this, tr("Diff against tensor folder"), openDialogFolder());
        if (!folder.isEmpty()) diffCurrentModel(folder, 0);
    });

    auto* attach = model->addAction(tr("&Attach ETDump…"), this, &MainWindow::attachEtdumpByDialog);
    attach->setObjectName("attachEtdumpAction");

    // The zoom keys act on the timeline when it is in view or has the focus, else on the graph.
    auto* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Fit graph"), QKeySequence(tr("Ctrl+0")), this, [this] {
        if (auto* timeline = currentTab() ? currentTab()->activeTimeline() : nullptr)
            timeline->fitRun();
        else if (auto* graph = currentGraph())
            graph->view()->fitScene();
    });
    view->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, this, [this] {
        if (auto* timeline = currentTab() ? currentTab()->activeTimeline() : nullptr)
            timeline->zoomBy(1.25);
        else if (auto* graph = currentGraph())
            graph->view()->zoomBy(1.25);
    });
    view->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, this, [this] {
        if (auto* timeline = currentTab() ? currentTab()->activeTimeline() : nullptr)
            timeline->zoomBy(0.8);
        else if (auto* graph = currentGraph())
            graph->view()->zoomBy(0.8);
    });
    auto* back = view->addAction(tr("&Back"), this, [this] {
        if (auto* graph = currentGraph()) graph->goBack();
    });
    back->setObjectName("backAction");
    back->setShortcuts({QKeySequence(Qt::ALT | Qt::Key_Left), QKeySequence(Qt::Key_Backspace)});
    auto* forward = view->addAction(tr("&Forward"), this, [this] {
        if (auto* graph = currentGraph()) graph->goForward();
    });
    forward->setObjectName("forwardAction");
    forward->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    auto* clear = view->addAction(tr("Clear selection"), this, [this] {
        if (auto* document = currentDocument()) document->selection().select({});
    });
    clear->setObjectName("clearSelectionAction");
    clear->setShortcut(QKeySequence(Qt::Key_Escape));
    auto* minimap = view->addAction(tr("Show &minimap"));
    minimap->setObjectName("minimapAction");
    minimap->setCheckable(true);
    minimap->setChecked(minimapEnabled_);
    connect(minimap, &QAction::toggled, this, [this](bool shown) {
        minimapEnabled_ = shown;
        for (int i = 0; i < tabs_->count(); ++i)
            if (auto* tab = qobject_cast<DocumentTab*>(tabs_->widget(i)))
                tab->graph().view()->setMinimapEnabled(shown);
    });
    view->addSeparator();
    for (auto* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(
            tr("&Keyboard shortcuts"), this,
            [this] { QMessageBox::information(this, tr("Keyboard shortcuts"), shortcutsText()); })
        ->setObjectName("shortcutsAction");
    help->addAction(
            tr("&About pteron"), this,
            [this] {
                QMessageBox::about(
                    this, tr("About pteron"),
                    tr("<b>pteron</b> %1<br>Inspector for edge-AI deployment artifacts: ExecuTorch "
                       "programs, TOSA, Vela .tflite with Ethos-U command streams, VGF, ETDump.")
                        .arg(QApplication::applicationVersion()));
            })
        ->setObjectName("aboutAction");
}

QString MainWindow::shortcutsText() const {
    QStringList lines;
    for (auto* menu : menuBar()->findChildren<QMenu*>())
        for (auto* action : menu->actions())
            if (!action->shortcut().isEmpty())
                lines << QString("%1\t%2").arg(
                    action->shortcut().toString(QKeySequence::NativeText),
                    action->text().remove('&'));
    lines.removeDuplicates();
    lines << tr("Double-click\topen a delegate, expand a layer");
    lines << tr("Mouse wheel\tzoom around the pointer");
    lines << tr("Ctrl+wheel on a timeline\tstretch the time axis");
    return lines.join('\n');
}

bool MainWindow::openFile(const QString& path) {
    try {
        auto model =
            std::make_shared<const Model>(FormatRegistry::standard().open(path.toStdString()));
        addDocumentTab(std::move(model), path, tabs_->count());
        if (recordsRecentFiles_) rememberRecent(path);
        emit fileOpened(path);
        return true;
    } catch (const std::exception& error) {
        const auto message = QString::fromStdString(error.what());
        emit openFailed(path, message);
        showError(tr("Cannot open %1").arg(QFileInfo(path).fileName()), message);
        return false;
    }
}

DocumentTab* MainWindow::addDocumentTab(std::shared_ptr<const Model> model, const QString& path,
                                        int index) {
    auto* tab = new DocumentTab(std::move(model), path, layoutEngine_, tabs_);
    tab->graph().view()->setMinimapEnabled(minimapEnabled_);
    index = tabs_->insertTab(index, tab, QFileInfo(path).fileName());
    tabs_->setTabToolTip(index, path);
    tabs_->setCurrentIndex(index);
    connect(&tab->graph(), &GraphPanel::layoutFinished, this, [this, tab] {
        if (tab == currentTab())
            statusBar()->showMessage(
                tr("%1 · layout engine: %2")
                    .arg(tab->document().path(), tab->graph().layoutEngineName()));
    });
    return tab;
}

// Non-modal so the application (and tests) keep running while it is up.
void MainWindow::showError(const QString& title, const QString& message) {
    auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Close, this);
    box->setObjectName("openErrorDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
    statusBar()->showMessage(title);
}

DocumentTab* MainWindow::currentTab() const {
    return qobject_cast<DocumentTab*>(tabs_->currentWidget());
}

ModelDocument* MainWindow::currentDocument() const {
    auto* tab = currentTab();
    return tab ? &tab->document() : nullptr;
}

GraphPanel* MainWindow::currentGraph() const {
    auto* tab = currentTab();
    return tab ? &tab->graph() : nullptr;
}

QDockWidget* MainWindow::dock(const QString& name) const {
    return findChild<QDockWidget*>(name);
}

int MainWindow::tabCount() const {
    return tabs_->count();
}

void MainWindow::onTabChanged() {
    auto* document = currentDocument();
    tree_->setDocument(document);
    properties_->setDocument(document);
    tensor_->setDocument(document);
    placement_->setDocument(document);
    vela_->setDocument(document);
    search_->setDocument(document);
    diff_->setDocument(document);
    if (vela_->hasReport()) velaDock_->raise();
    disconnect(selectionWatch_);
    if (document)
        selectionWatch_ = connect(&document->selection(), &SelectionModel::changed, this,
                                  [this, document](const SelectionTarget& target) {
                                      raiseTensorForConstant(*document, target);
                                  });
    setWindowTitle(document ? tr("%1 — pteron").arg(QFileInfo(document->path()).fileName())
                            : tr("pteron"));
}

// A selected constant is what the tensor viewer is for: bring it forward.
void MainWindow::raiseTensorForConstant(const ModelDocument& document,
                                        const SelectionTarget& target) {
    if (target.kind != SelectionTarget::Kind::Value) return;
    const auto& graphs = document.model().graphs;
    if (target.graph >= graphs.size()) return;
    const auto* value = graphs[target.graph].value(std::int64_t(target.index));
    const auto* results = document.runResults();
    if (value && (!value->data.bytes().empty() ||
                  (results && results->find(target.graph, std::int64_t(target.index)))))
        tensorDock_->raise();
}

void MainWindow::runCurrentModel(quint64 seed) {
    QPointer<ModelDocument> document = currentDocument();
    if (!document) return;
    statusBar()->showMessage(tr("Running %1…").arg(QFileInfo(document->path()).fileName()));
    struct Outcome {
        std::shared_ptr<const RunResults> results;
        QString error;
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, document] {
        watcher->deleteLater();
        const auto outcome = watcher->result();
        if (!outcome.error.isEmpty()) {
            showError(tr("The model cannot run"), outcome.error);
            emit runFinished(false, outcome.error);
            return;
        }
        const auto message = tr("Ran in %1 ms; select a node or value to see what it computed.")
                                 .arg(outcome.results->seconds * 1e3, 0, 'f', 1);
        if (document) document->setRunResults(outcome.results);
        statusBar()->showMessage(message);
        emit runFinished(true, message);
    });
    const auto model = document->sharedModel();
    const auto threads = std::max(1u, std::thread::hardware_concurrency());
    watcher->setFuture(QtConcurrent::run([model, seed, threads]() -> Outcome {
        try {
            return {std::make_shared<const RunResults>(runWithSeededInputs(*model, seed, threads)),
                    {}};
        } catch (const std::exception& error) {
            return {nullptr, QString::fromStdString(error.what())};
        }
    }));
}

void MainWindow::diffByDialog() {
    if (!currentDocument()) return;
    const auto path = QFileDialog::getOpenFileName(
        this, tr("Diff against"), openDialogFolder(),
        tr("Models and ETDumps (%1);;All files (*)").arg(kOpenPatterns));
    if (!path.isEmpty()) diffCurrentModel(path, 0);
}

void MainWindow::attachEtdumpByDialog() {
    if (!currentDocument()) return;
    const auto path = QFileDialog::getOpenFileName(this, tr("Attach ETDump"), openDialogFolder(),
                                                   tr("ETDumps (*.etdp *.etdump);;All files (*)"));
    if (path.isEmpty()) return;
    const auto error = attachEtdumpToCurrent(path);
    if (!error.isEmpty())
        showError(tr("Cannot attach %1").arg(QFileInfo(path).fileName()), error);
    else
        statusBar()->showMessage(
            tr("Attached %1; click a bar to select its instruction").arg(path));
}

// The program is read again with the ETDump attached, so its nodes carry the runtime.*
// timings, and its tab is replaced by one with the timeline below the graph.
QString MainWindow::attachEtdumpToCurrent(const QString& path) {
    auto* tab = currentTab();
    if (!tab) return tr("No program is open.");
    const auto programPath = tab->document().path();
    try {
        if (!instructionNodes(tab->document().model()))
            return tr("%1 has no method graph to attach to.").arg(programPath);
        auto etdump =
            std::make_shared<const Model>(FormatRegistry::standard().open(path.toStdString()));
        if (etdump->format != kEtdumpFormat) return tr("%1 is not an ETDump.").arg(path);
        ReadOptions options;
        options.etdump = path.toStdString();
        auto program = std::make_shared<const Model>(
            FormatRegistry::standard().open(programPath.toStdString(), options));
        const auto method = instructionNodes(*program);
        if (!method) return tr("%1 has no method graph to attach to.").arg(programPath);
        const auto index = tabs_->indexOf(tab);
        auto* attached = addDocumentTab(std::move(program), programPath, index);
        closeTab(index + 1);
        attached->attachTimeline(
            std::move(etdump),
            [links = *method](std::size_t,
                              const TimelineBar& bar) -> std::optional<SelectionTarget> {
                if (!bar.instruction) return std::nullopt;
                const auto node = links.nodes.find(*bar.instruction);
                if (node == links.nodes.end()) return std::nullopt;
                return SelectionTarget{SelectionTarget::Kind::Node, links.graph, node->second};
            });
        return {};
    } catch (const std::exception& error) {
        return QString::fromStdString(error.what());
    }
}

void MainWindow::diffCurrentModel(const QString& other, quint64 seed) {
    QPointer<DocumentTab> tab = currentTab();
    if (!tab) return;
    const auto model = tab->document().sharedModel();
    auto progress = std::make_shared<DiffProgress>();
    auto* dialog = new QProgressDialog(tr("Comparing with %1…").arg(QFileInfo(other).fileName()),
                                       tr("Cancel"), 0, 1000, this);
    dialog->setObjectName("diffProgress");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setModal(false);
    dialog->setMinimumDuration(0);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    // Both sides run about as many nodes as side A has.
    const auto expected = std::max<std::uint64_t>(1, 2 * expectedDiffNodes(*model));
    auto* poll = new QTimer(dialog);
    connect(poll, &QTimer::timeout, dialog, [dialog, progress, expected] {
        const auto done = std::min(progress->nodes.load(), expected);
        dialog->setValue(int(std::min<std::uint64_t>(999, done * 1000 / expected)));
    });
    poll->start(100);
    connect(dialog, &QProgressDialog::canceled, this, [progress] { progress->cancel = true; });
    statusBar()->showMessage(tr("Comparing with %1…").arg(other));

    struct Outcome {
        std::shared_ptr<const DiffResults> results;
        QString error;
        bool cancelled = false;
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, tab, dialog] {
        watcher->deleteLater();
        dialog->close();
        const auto outcome = watcher->result();
        if (outcome.cancelled) {
            statusBar()->showMessage(outcome.error);
            emit diffFinished(false, outcome.error);
            return;
        }
        if (!outcome.error.isEmpty()) {
            showError(tr("Nothing was compared"), outcome.error);
            emit diffFinished(false, outcome.error);
            return;
        }
        if (tab) showDiff(tab, outcome.results);
    });
    const auto threads = std::max(1u, std::thread::hardware_concurrency());
    watcher->setFuture(QtConcurrent::run([model, other, seed, threads, progress]() -> Outcome {
        try {
            return {diffWithFile(*model, other, seed, threads, *progress), {}, false};
        } catch (const DiffCancelled& cancelled) {
            return {nullptr, QString::fromStdString(cancelled.what()), true};
        } catch (const std::exception& error) {
            return {nullptr, QString::fromStdString(error.what()), false};
        }
    }));
}

// Keeps the results with the document, colours its graph, and selects and centres the first
// divergence.
void MainWindow::showDiff(DocumentTab* tab, std::shared_ptr<const DiffResults> results) {
    auto& document = tab->document();
    if (!tab->findChild<DiffColouring*>("diffColouring"))
        new DiffColouring(tab->graph(), document, *diff_, tab);
    document.setDiffResults(results);
    diffDock_->show();
    diffDock_->raise();
    const auto* first = results->report.firstDivergence();
    const auto failed = std::count_if(results->report.rows.begin(), results->report.rows.end(),
                                      [](const diff::DiffRow& row) { return !row.metrics.pass; });
    QString message = tr("%1 of %2 tensors differ").arg(failed).arg(results->report.rows.size());
    if (first) {
        message += tr("; first divergence: %1 #%2 %3")
                       .arg(QString::fromStdString(first->a.graph))
                       .arg(first->a.node)
                       .arg(QString::fromStdString(first->a.op));
        if (first->graphIndex && first->a.node >= 0)
            document.selection().select({SelectionTarget::Kind::Node, *first->graphIndex,
                                         static_cast<std::size_t>(first->a.node)});
    }
    statusBar()->showMessage(message);
    emit diffFinished(true, message);
}

void MainWindow::closeTab(int index) {
    auto* widget = tabs_->widget(index);
    if (!widget) return;
    tabs_->removeTab(index);
    delete widget;
}

void MainWindow::openByDialog() {
    const auto paths = QFileDialog::getOpenFileNames(
        this, tr("Open model"), openDialogFolder(),
        tr("Models and reports (%1);;All files (*)").arg(kOpenPatterns));
    openChosenFiles(paths);
}

void MainWindow::openChosenFiles(const QStringList& paths) {
    if (!paths.isEmpty())
        QSettings().setValue(kLastFolderKey, QFileInfo(paths.front()).absolutePath());
    for (const auto& path : paths)
        openFile(path);
}

QString MainWindow::openDialogFolder() const {
    const auto last = QSettings().value(kLastFolderKey).toString();
    if (!last.isEmpty() && QFileInfo(last).isDir()) return last;
    const auto recent = QSettings().value(kRecentKey).toStringList();
    return recent.isEmpty() ? QString() : QFileInfo(recent.front()).absolutePath();
}

QString MainWindow::proposedExportPath(const QString& suffix) const {
    const auto* document = currentDocument();
    if (!document) return {};
    const QFileInfo model(document->path());
    return model.absoluteDir().filePath(model.completeBaseName() + "." + suffix);
}

QString MainWindow::exportCurrent(const QString& path, ExportArea area) {
    auto* graph = currentGraph();
    if (!graph) return tr("No graph is open.");
    if (path.endsWith(".svg", Qt::CaseInsensitive)) return exportSvg(*graph->view(), area, path);
    return exportPng(*graph->view(), area, path);
}

void MainWindow::exportByDialog(ExportArea area) {
    if (!currentGraph()) return;
    const auto path =
        QFileDialog::getSaveFileName(this, tr("Export graph"), proposedExportPath("svg"),
                                     tr("SVG image (*.svg);;PNG image (*.png)"));
    if (path.isEmpty()) return;
    const auto error = exportCurrent(path, area);
    if (!error.isEmpty())
        showError(tr("Export failed"), error);
    else
        statusBar()->showMessage(tr("Exported %1").arg(path));
}

QString MainWindow::exportModelExplorerJson(const QString& path) {
    auto* document = currentDocument();
    if (!document) return tr("No model is open.");
    const ModelExplorerWriter writer(backendPalette());
    const auto text = jsonText(writer.collection(document->model()), 1);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return tr("Cannot write %1").arg(path);
    const auto size = static_cast<qint64>(text.size());
    return file.write(text.data(), size) == size ? QString() : tr("Writing %1 failed").arg(path);
}

void MainWindow::exportModelExplorer() {
    if (!currentDocument()) return;
    const auto path = QFileDialog::getSaveFileName(this, tr("Export Model Explorer JSON"),
                                                   proposedExportPath("json"),
                                                   tr("Model Explorer graph (*.json)"));
    if (path.isEmpty()) return;
    const auto error = exportModelExplorerJson(path);
    if (!error.isEmpty())
        showError(tr("Export failed"), error);
    else
        statusBar()->showMessage(tr("Exported %1").arg(path));
}

void MainWindow::rememberRecent(const QString& path) {
    QSettings settings;
    auto recent = settings.value(kRecentKey).toStringList();
    const auto absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kRecentLimit)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const auto recent = QSettings().value(kRecentKey).toStringList();
    for (const auto& path : recent)
        recentMenu_->addAction(path, this, [this, path] { openFile(path); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const auto& url : event->mimeData()->urls())
        if (url.isLocalFile()) openFile(url.toLocalFile());
    event->acceptProposedAction();
}

} // namespace pteron
