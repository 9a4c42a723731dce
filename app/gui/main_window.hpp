// The pteron-gui main window: tabs of opened files, the shared docks, menus and file handling.
#pragma once

#include "views/diff_results.hpp"
#include "views/graph/graph_layout.hpp"
#include "views/graph/scene_export.hpp"

#include <QMainWindow>
#include <QStringList>

#include <memory>

class QDockWidget;
class QMenu;
class QTabWidget;

namespace pteron {

class DiffPanel;
class DocumentTab;
class GraphPanel;
class ModelDocument;
struct Model;
struct SelectionTarget;
class ModelTreePanel;
class PlacementPanel;
class PropertiesPanel;
class SearchPanel;
class TensorPanel;
class VelaPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Opens `path` in a new tab; on failure emits openFailed and shows a non-modal error box.
    bool openFile(const QString& path);
    // Files opened for a one-off run (a screenshot) stay out of the recent files.
    void setRecordsRecentFiles(bool records) { recordsRecentFiles_ = records; }
    // Where the export dialogs start: the model's folder and name with `suffix`.
    QString proposedExportPath(const QString& suffix) const;
    // Opens the files chosen in the Open dialog; the next dialog starts in their folder.
    void openChosenFiles(const QStringList& paths);
    // Where the open dialog starts: the folder of the last file opened through it.
    QString openDialogFolder() const;
    // Every menu shortcut with its action, one per line, as Help ▸ Keyboard shortcuts shows it.
    QString shortcutsText() const;
    // Exports the current graph; format by suffix (.png, .svg). Returns an error, empty if fine.
    QString exportCurrent(const QString& path, ExportArea area);
    // Writes the current model as Model Explorer graph JSON. Returns an error, empty if fine.
    QString exportModelExplorerJson(const QString& path);

    DocumentTab* currentTab() const;
    ModelDocument* currentDocument() const;
    GraphPanel* currentGraph() const;
    int tabCount() const;
    PropertiesPanel* properties() const { return properties_; }
    TensorPanel* tensor() const { return tensor_; }
    SearchPanel* search() const { return search_; }
    PlacementPanel* placement() const { return placement_; }
    VelaPanel* vela() const { return vela_; }
    QDockWidget* dock(const QString& name) const;
    QMenu* recentMenu() const { return recentMenu_; }
    // Runs the current model with the built-in runtime on inputs from `seed`, off the UI thread;
    // runFinished reports the outcome and the tensor viewer shows what was computed.
    void runCurrentModel(quint64 seed = 0);
    // Compares the current model with `other` (another artifact of it, an ETDump, or a folder of
    // .npy tensors) off the UI
    // thread with a progress dialog that can cancel; diffFinished reports the outcome, the graph
    // is coloured by the Diff panel's metric and the first divergence is selected.
    void diffCurrentModel(const QString& other, quint64 seed = 0);
    // Reads the current program again with the ETDump at `path` attached (node timings as
    // runtime.* attributes) and shows the ETDump's timeline below its graph; clicking a bar
    // selects the node of the instruction the event timed. Returns an error, empty if fine.
    QString attachEtdumpToCurrent(const QString& path);
    DiffPanel* diffPanel() const { return diff_; }
    ModelTreePanel* tree() const { return tree_; }

  signals:
    void openFailed(const QString& path, const QString& message);
    void fileOpened(const QString& path);
    // `message` says how long the run took, or why it could not run.
    void runFinished(bool succeeded, const QString& message);
    // `message` names the first divergence, or says why nothing was compared.
    void diffFinished(bool succeeded, const QString& message);

  protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

  private:
    void buildMenus();
    // A tab for `model` at `index`, made current.
    DocumentTab* addDocumentTab(std::shared_ptr<const Model> model, const QString& path, int index);
    QDockWidget* addDock(const QString& title, const QString& name, QWidget* content,
                         Qt::DockWidgetArea area);
    void onTabChanged();
    void closeTab(int index);
    void openByDialog();
    void exportByDialog(ExportArea area);
    void exportModelExplorer();
    void showError(const QString& title, const QString& message);
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void diffByDialog();
    void attachEtdumpByDialog();
    void showDiff(DocumentTab* tab, std::shared_ptr<const DiffResults> results);
    void raiseTensorForConstant(const ModelDocument& document, const SelectionTarget& target);

    LayoutEngine layoutEngine_; // one per window: it owns the Graphviz service
    QTabWidget* tabs_;
    ModelTreePanel* tree_;
    PropertiesPanel* properties_;
    TensorPanel* tensor_;
    PlacementPanel* placement_;
    VelaPanel* vela_;
    SearchPanel* search_;
    DiffPanel* diff_;
    QDockWidget* diffDock_ = nullptr;
    QDockWidget* searchDock_ = nullptr;
    QDockWidget* tensorDock_ = nullptr;
    QDockWidget* velaDock_ = nullptr;
    QMetaObject::Connection selectionWatch_;
    QMenu* recentMenu_ = nullptr;
    bool minimapEnabled_ = true;
    bool recordsRecentFiles_ = true;
};

} // namespace pteron
