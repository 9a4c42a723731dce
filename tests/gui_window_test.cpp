// The window's smaller promises: each tab keeps its own search, the Open dialog starts where the
// last file came from, screenshot runs leave the recent files alone, Help lists the shortcuts,
// the graph follows a dark system palette, and the legend wraps in a narrow window.
#include "app/gui/main_window.hpp"
#include "app/gui/screenshot.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gui_fixtures.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/graph_view.hpp"
#include "views/graph/legend_bar.hpp"
#include "views/model_document.hpp"
#include "views/panels/search_panel.hpp"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsPathItem>
#include <QGraphicsSimpleTextItem>
#include <QLayout>
#include <QPalette>
#include <QSettings>
#include <QTabWidget>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>

using namespace pteron;
using testing::guiFixture;
using testing::waitForLayout;

namespace {

const char* const kCortexM = "pte/et_arduino_kws_dscnn_cortexm_int8.pte";
const char* const kTosa = "tosa/arm_mv2_ethosu55_tag1.tosa";
const char* const kEthosU = "pte/arm_mv2_ethosu55_128_int8.pte";

// Runs `handle` on the file dialog once it shows; gives up after ten seconds.
void whenDialogShows(const std::function<void(QFileDialog&)>& handle, int attempts = 500) {
    QTimer::singleShot(20, [handle, attempts] {
        for (auto* widget : QApplication::topLevelWidgets())
            if (auto* dialog = qobject_cast<QFileDialog*>(widget); dialog && dialog->isVisible()) {
                handle(*dialog);
                return;
            }
        if (attempts > 0) whenDialogShows(handle, attempts - 1);
    });
}

QPalette darkPalette() {
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    palette.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    palette.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    palette.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    palette.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    palette.setColor(QPalette::Link, QColor(0x5a, 0xa0, 0xf0));
    return palette;
}

// The pen colours of the scene's edges: unfilled paths under the nodes.
std::vector<QColor> edgeColours(GraphScene& scene) {
    std::vector<QColor> colours;
    for (auto* item : scene.items())
        if (auto* path = qgraphicsitem_cast<QGraphicsPathItem*>(item);
            path && path->zValue() == 0 && path->brush().style() == Qt::NoBrush)
            colours.push_back(path->pen().color());
    return colours;
}

} // namespace

class GuiWindowTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { QApplication::setAttribute(Qt::AA_DontUseNativeDialogs); }
    void init() {
        QSettings().clear();
        window_ = std::make_unique<MainWindow>();
    }
    void cleanup() {
        window_.reset();
        QApplication::setPalette(QPalette());
    }

    void searchTextAndResultsArePerTab();
    void openDialogStartsInTheLastFolder();
    void screenshotRunsStayOutOfRecentFiles();
    void helpListsShortcutsAndAbout();
    void graphFollowsADarkSystemPalette();
    void legendWrapsInANarrowWindow();

  private:
    QTabWidget* tabs() const { return window_->findChild<QTabWidget*>(); }
    std::unique_ptr<MainWindow> window_;
};

void GuiWindowTest::searchTextAndResultsArePerTab() {
    QVERIFY(window_->openFile(guiFixture(kCortexM)));
    auto* search = window_->search();
    search->search("cortex_m::quantized_conv2d.out", SearchField::Operator);
    QCOMPARE(search->hits().size(), std::size_t(4));
    search->next();
    search->next();
    QCOMPARE(search->currentRow(), 1);
    const auto chosen = window_->currentDocument()->selection().current();

    QVERIFY(window_->openFile(guiFixture(kTosa)));
    QVERIFY(search->text().isEmpty()); // a new tab starts with no search
    QVERIFY(search->hits().empty());
    search->search("CONV2D", SearchField::Operator);
    const auto tosaHits = search->hits().size();
    QVERIFY(tosaHits > 0);

    tabs()->setCurrentIndex(0);
    QCOMPARE(search->text(), QString("cortex_m::quantized_conv2d.out"));
    QCOMPARE(search->hits().size(), std::size_t(4));
    QCOMPARE(search->currentRow(), 1);
    // Coming back does not select anything anew.
    QCOMPARE(window_->currentDocument()->selection().current().index, chosen.index);

    tabs()->setCurrentIndex(1);
    QCOMPARE(search->text(), QString("CONV2D"));
    QCOMPARE(search->hits().size(), tosaHits);
}

void GuiWindowTest::openDialogStartsInTheLastFolder() {
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    auto* open = window_->findChild<QAction*>("openAction");
    QVERIFY(open);
    const QFileInfo tosa(guiFixture(kTosa));
    // What the dialog does with the files chosen in it.
    window_->openChosenFiles({tosa.absoluteFilePath()});
    QVERIFY(window_->currentDocument());
    QCOMPARE(QFileInfo(window_->currentDocument()->path()).fileName(), tosa.fileName());

    // Opening a file elsewhere without the dialog does not move where the dialog starts.
    QVERIFY(window_->openFile(guiFixture(kCortexM)));
    QString shownFolder;
    whenDialogShows([&shownFolder](QFileDialog& dialog) {
        shownFolder = dialog.directory().absolutePath();
        dialog.reject();
    });
    open->trigger();
    QCOMPARE(shownFolder, tosa.absolutePath());
}

void GuiWindowTest::screenshotRunsStayOutOfRecentFiles() {
    const QStringList before{guiFixture(kTosa)};
    QSettings().setValue("recentFiles", before);
    std::filesystem::create_directories(testing::madeDir());
    ScreenshotRequest request;
    request.output = QString::fromStdString((testing::madeDir() / "window_test_shot.png").string());
    request.file = guiFixture(kCortexM);
    QCOMPARE(runScreenshot(*window_, request), 0);
    QVERIFY(QFileInfo(request.output).size() > 0);
    QCOMPARE(QSettings().value("recentFiles").toStringList(), before);

    // An ordinary open does enter the list, so the check above can tell the difference.
    MainWindow other;
    QVERIFY(other.openFile(guiFixture(kCortexM)));
    QCOMPARE(QSettings().value("recentFiles").toStringList().front(),
             QFileInfo(guiFixture(kCortexM)).absoluteFilePath());
}

void GuiWindowTest::helpListsShortcutsAndAbout() {
    QVERIFY(window_->findChild<QAction*>("shortcutsAction"));
    QVERIFY(window_->findChild<QAction*>("aboutAction"));
    const auto lines = window_->shortcutsText().split('\n');
    const auto listed = [&lines](const QKeySequence& keys, const QString& what) {
        const auto prefix = keys.toString(QKeySequence::NativeText) + "\t";
        for (const auto& line : lines)
            if (line.startsWith(prefix) && line.contains(what, Qt::CaseInsensitive)) return true;
        return false;
    };
    QVERIFY(listed(QKeySequence::Open, "Open"));
    QVERIFY(listed(QKeySequence(Qt::Key_Escape), "selection"));
    QVERIFY(listed(QKeySequence(Qt::ALT | Qt::Key_Left), "Back"));
    QVERIFY(listed(QKeySequence(Qt::ALT | Qt::Key_Right), "Forward"));
    QVERIFY(listed(QKeySequence::FindNext, "next"));
    // Every line pairs keys with what they do.
    for (const auto& line : lines)
        QVERIFY2(line.count('\t') == 1, qPrintable(line));
}

void GuiWindowTest::graphFollowsADarkSystemPalette() {
    QApplication::setPalette(darkPalette());
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QVERIFY(window_->openFile(guiFixture(kCortexM)));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto canvas = panel->view()->backgroundBrush().color();
    QVERIFY(canvas.lightness() < 60);
    const auto darkEdges = edgeColours(*panel->scene());
    QVERIFY(!darkEdges.empty());
    for (const auto& colour : darkEdges)
        QVERIFY(colour.lightness() - canvas.lightness() > 100);
    QVERIFY(!panel->scene()->edgeLabels().empty());
    for (auto* item : panel->scene()->edgeLabels()) {
        auto* label = static_cast<QGraphicsSimpleTextItem*>(item);
        QVERIFY(label->brush().color().lightness() - canvas.lightness() > 100);
    }

    // Back to a light palette while the graph is open: it is redrawn dark on light.
    QApplication::setPalette(QPalette(Qt::white));
    QVERIFY(QTest::qWaitFor(
        [panel] { return panel->view()->backgroundBrush().color().lightness() > 200; }));
    QVERIFY(QTest::qWaitFor([panel] {
        const auto edges = edgeColours(*panel->scene());
        return !edges.empty() && edges.front().lightness() < 150;
    }));
    QVERIFY(waitForLayout(panel));
    const auto lightCanvas = panel->view()->backgroundBrush().color();
    for (const auto& colour : edgeColours(*panel->scene()))
        QVERIFY(lightCanvas.lightness() - colour.lightness() > 100);
}

void GuiWindowTest::legendWrapsInANarrowWindow() {
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QVERIFY(window_->openFile(guiFixture(kEthosU)));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    panel->setExpandInPlace(true);
    QVERIFY(waitForLayout(panel));
    auto* legend = panel->legend();
    const auto entries = legend->findChildren<QWidget*>("legendEntry");
    QVERIFY(entries.size() >= 4); // partitions and NPU operation kinds
    QTRY_VERIFY(
        std::all_of(entries.begin(), entries.end(), [](auto* e) { return e->isVisible(); }));

    const auto rowsAt = [&](int width) {
        legend->resize(width, legend->heightForWidth(width));
        legend->layout()->activate();
        std::set<int> rows;
        for (auto* entry : entries) {
            const auto box = entry->geometry();
            const bool aloneOnItsRow = box.left() <= legend->layout()->contentsMargins().left();
            if (!aloneOnItsRow && box.right() >= legend->width()) return -1; // clipped
            if (box.bottom() >= legend->height()) return -1;
            rows.insert(box.top());
        }
        return int(rows.size());
    };
    const int wide = rowsAt(4000);
    const int narrow = rowsAt(260);
    QCOMPARE(wide, 1);
    QVERIFY2(narrow > 1, qPrintable(QString::number(narrow)));

    // In the window, a narrow panel gives the legend the height its rows need.
    window_->resize(520, 900);
    QVERIFY(QTest::qWaitFor([&] { return legend->width() < 520; }));
    QTest::qWait(50);
    QVERIFY(legend->height() >= legend->heightForWidth(legend->width()));
}

QTEST_MAIN(GuiWindowTest)
#include "gui_window_test.moc"
