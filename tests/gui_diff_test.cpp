// The app's Diff view: a model compared with another artifact of it or a device dump, the graph
// coloured by a metric with its scale, the first divergence selected and centred, and the two
// tensors side by side with their difference.
#include "app/cli/run_command.hpp"
#include "app/gui/main_window.hpp"
#include "parsers/registry.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gui_fixtures.hpp"
#include "tests/support/weight_fault.hpp"
#include "views/diff/diff_colouring.hpp"
#include "views/diff/diff_panel.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/graph_view.hpp"
#include "views/graph/node_item.hpp"
#include "views/model_document.hpp"
#include "views/tensor/tensor_panel.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pteron;
using testing::guiFixture;
using testing::waitForLayout;
namespace fs = std::filesystem;

namespace {

constexpr int kDiffTimeoutMs = 300000;

// The weights of the `ordinal`-th node with operator `op`; the test stops when there are none.
testing::WeightFault weightOf(const Model& model, const std::string& op, std::size_t ordinal) {
    const auto fault = testing::findWeightFault(model, op, ordinal);
    if (!fault) qFatal("no %s #%zu with constant weights", op.c_str(), ordinal);
    return *fault;
}

// A copy of `original` with the byte at `offset` incremented, in the folder for made files.
QString faultyCopy(const std::string& original, std::uint64_t offset, const std::string& name) {
    const auto copy = testing::madeDir() / name;
    testing::writeFaultyCopy(original, copy, offset);
    return QString::fromStdString(copy.string());
}

bool looksFailing(const QColor& colour) {
    return colour.red() > 200 && colour.green() < 170;
}

bool looksAgreeing(const QColor& colour) {
    return colour.green() > colour.red();
}

} // namespace

class GuiDiffTest : public QObject {
    Q_OBJECT

  private slots:
    void init() { window_ = std::make_unique<MainWindow>(); }
    void cleanup() { window_.reset(); }

    void oneModelTwoArtifactsAgreeBitForBit();
    void injectedFaultIsSelectedCentredAndShownSideBySide();
    void aTraceFolderIsComparedWithTheRun();
    void aRunningDiffCanBeCancelled();
    void aProfilingOnlyEtdumpSaysWhyNothingIsCompared();

  private:
    // Runs the Diff action's comparison and waits for it; false when it did not finish.
    bool diffWith(const QString& other, quint64 seed, bool expectSuccess) {
        QSignalSpy finished(window_.get(), &MainWindow::diffFinished);
        window_->diffCurrentModel(other, seed);
        if (!finished.wait(kDiffTimeoutMs)) return false;
        const auto outcome = finished.takeFirst();
        if (outcome.at(0).toBool() != expectSuccess) {
            qWarning("%s", qPrintable(outcome.at(1).toString()));
            return false;
        }
        return true;
    }

    std::unique_ptr<MainWindow> window_;
};

// pte/arm_mv2_vgf_int8.pte against tosa/arm_mv2_ethosu55_tag1.tosa: the VGF payload and the TOSA
// hold the same operations and weights, so every compared tensor agrees and the graph is green.
void GuiDiffTest::oneModelTwoArtifactsAgreeBitForBit() {
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_vgf_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    QVERIFY(diffWith(guiFixture("tosa/arm_mv2_ethosu55_tag1.tosa"), 7, true));
    const auto* results = window_->currentDocument()->diffResults();
    QVERIFY(results);
    // 184 payload operations and the delegate call's output.
    QCOMPARE(results->report.rows.size(), std::size_t(185));
    for (const auto& row : results->report.rows) {
        QVERIFY(row.metrics.pass);
        QCOMPARE(row.metrics.maxAbs, 0.0);
    }
    const auto* diffPanel = window_->diffPanel();
    QVERIFY2(diffPanel->summaryText().contains("0 of 185 tensors differ"),
             qPrintable(diffPanel->summaryText()));
    QVERIFY(diffPanel->summaryText().contains("no divergence"));
    QVERIFY(window_->dock("diffDock")->isVisibleTo(window_.get()));
    // The delegate call in the top graph is compared, and coloured as agreeing.
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    std::optional<std::size_t> call;
    for (std::size_t n = 0; n < model.graphs[top].nodes.size(); ++n)
        if (model.graphs[top].nodes[n].op == "VgfBackend") call = n;
    QVERIFY(call);
    const auto drawn = panel->drawnIndex(top, *call);
    QVERIFY(drawn);
    const auto fill = panel->scene()->nodeItem(*drawn)->fill();
    QVERIFY2(looksAgreeing(fill), qPrintable(fill.name()));
    // Nodes that were not compared (the quantize before the call) are greyed.
    std::size_t greyed = 0;
    for (std::size_t i = 0; i < panel->scene()->nodeCount(); ++i)
        greyed += panel->scene()->nodeItem(i)->fill() == DiffColouring::notCompared() ? 1 : 0;
    QVERIFY(greyed > 0);
    // Opening the payload colours its nodes too, all as agreeing.
    QVERIFY(panel->openChildGraph(*call));
    QVERIFY(waitForLayout(panel));
    std::size_t coloured = 0;
    for (std::size_t i = 0; i < panel->scene()->nodeCount(); ++i) {
        const auto colour = panel->scene()->nodeItem(i)->fill();
        if (colour == DiffColouring::notCompared()) continue;
        QVERIFY2(looksAgreeing(colour), qPrintable(colour.name()));
        ++coloured;
    }
    QVERIFY(coloured > 100);
}

// A copy of the TOSA with one weight byte of its fifth CONV2D changed: the convolution reading it
// is the first divergence; it is selected, centred and coloured as failing; the Diff panel sets
// both outputs side by side with their difference and a histogram of it.
void GuiDiffTest::injectedFaultIsSelectedCentredAndShownSideBySide() {
    const auto original = testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto model = FormatRegistry::standard().open(original);
    const auto fault = weightOf(model, "tosa.CONV2D", 5);
    const auto copy = faultyCopy(original, fault.offset, "gui_diff_fault_mv2.tosa");

    window_->resize(1200, 800);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QVERIFY(window_->openFile(QString::fromStdString(original)));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    panel->view()->setTransform(QTransform::fromScale(0.05, 0.05));
    QVERIFY(diffWith(copy, 4, true));
    auto* document = window_->currentDocument();
    const auto* results = document->diffResults();
    QVERIFY(results);
    const auto* first = results->report.firstDivergence();
    QVERIFY(first);
    QCOMPARE(first->a.node, std::int64_t(fault.reader));
    QCOMPARE(first->a.op, std::string("tosa.CONV2D"));

    // Selected and centred.
    const SelectionTarget expected{SelectionTarget::Kind::Node, fault.graph, fault.reader};
    QVERIFY(document->selection().current() == expected);
    QVERIFY(waitForLayout(panel));
    const auto drawn = panel->drawnIndex(fault.graph, fault.reader);
    QVERIFY(drawn);
    auto* item = panel->scene()->nodeItem(*drawn);
    QVERIFY(item->isSelected());
    auto* view = panel->view();
    const auto visible = view->mapToScene(view->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(item->box()));
    QVERIFY(std::abs(visible.center().x() - item->box().center().x()) < 30);
    QVERIFY(std::abs(visible.center().y() - item->box().center().y()) < 30);

    // Coloured as failing; every computing node before it as agreeing.
    QVERIFY2(looksFailing(item->fill()), qPrintable(item->fill().name()));
    const auto& graph = model.graphs[fault.graph];
    std::size_t agreeing = 0;
    for (std::size_t n = 0; n < fault.reader; ++n) {
        if (graph.nodes[n].inputs.empty()) continue;
        const auto before = panel->drawnIndex(fault.graph, n);
        if (!before) continue;
        const auto colour = panel->scene()->nodeItem(*before)->fill();
        QVERIFY2(looksAgreeing(colour), qPrintable(colour.name()));
        ++agreeing;
    }
    QVERIFY(agreeing >= 4);

    // The scale follows the chosen metric; the failing node stays red under SNR too.
    auto* diffPanel = window_->diffPanel();
    QVERIFY2(diffPanel->scaleText().startsWith("max abs"), qPrintable(diffPanel->scaleText()));
    diffPanel->setMetric(DiffMetric::Snr);
    QVERIFY2(diffPanel->scaleText().startsWith("SNR"), qPrintable(diffPanel->scaleText()));
    QVERIFY(looksFailing(item->fill()));
    diffPanel->setMetric(DiffMetric::MismatchShare);
    QVERIFY(looksFailing(item->fill()));

    // Side by side: A, B and A − B per element, and a histogram of the difference.
    QVERIFY2(diffPanel->detailText().contains("differs"), qPrintable(diffPanel->detailText()));
    const auto* table = diffPanel->table();
    QCOMPARE(std::uint64_t(table->rowCount()), first->metrics.count);
    QCOMPARE(table->columnCount(), 4);
    std::size_t differing = 0;
    double largest = 0;
    for (int r = 0; r < table->rowCount(); ++r) {
        const auto a = table->data(table->index(r, 1)).toString().toDouble();
        const auto b = table->data(table->index(r, 2)).toString().toDouble();
        const auto d = table->data(table->index(r, 3)).toString().toDouble();
        QCOMPARE(d, a - b);
        differing += a != b ? 1 : 0;
        largest = std::max(largest, std::abs(a - b));
    }
    QCOMPARE(std::uint64_t(differing), first->metrics.mismatched);
    QCOMPARE(largest, first->metrics.maxAbs);
    const auto& counts = diffPanel->errorHistogram()->counts();
    QVERIFY(!counts.empty());
    std::size_t total = 0;
    for (const auto count : counts)
        total += count;
    QCOMPARE(std::uint64_t(total), first->metrics.count);
    QCOMPARE(diffPanel->errorHistogram()->stats().max - diffPanel->errorHistogram()->stats().min >
                 0,
             true);

    // Switching the colours off gives the nodes back their placement colours.
    const auto red = item->fill();
    auto* colours = diffPanel->findChild<QCheckBox*>("diffColours");
    QVERIFY(colours);
    colours->setChecked(false);
    QVERIFY(item->fill() != red);
    colours->setChecked(true);
    QCOMPARE(item->fill(), red);
}

// A folder `pteron run --trace` wrote (the form of a device's tensor dumps) for the VGF-delegated
// MobileNetV2: every traced node output, payload included, pairs with the app's run of the same
// seed and agrees; one dump changed by a single element is then the first divergence.
void GuiDiffTest::aTraceFolderIsComparedWithTheRun() {
    const auto model = testing::fixture("pte/arm_mv2_vgf_int8.pte");
    const auto folder = testing::madeDir() / "gui_diff_trace";
    fs::remove_all(folder);
    std::ostringstream out, err;
    const std::vector<std::string> args{model, "--seed", "3", "--trace", "-o", folder.string()};
    QCOMPARE(runRunCommand(args, out, err), 0);
    QVERIFY(window_->openFile(QString::fromStdString(model)));
    QVERIFY(waitForLayout(window_->currentGraph()));
    const auto folderText = QString::fromStdString(folder.string());
    QVERIFY(diffWith(folderText, 3, true));
    const auto* results = window_->currentDocument()->diffResults();
    QVERIFY(results);
    std::ifstream in(folder / "trace.json");
    const auto trace = nlohmann::json::parse(in);
    std::size_t traced = 0;
    for (const auto& entry : trace)
        traced += entry["node"].get<int>() >= 0 ? 1 : 0;
    QCOMPARE(results->report.rows.size(), traced);
    QVERIFY(results->report.passed());

    // Change one element of the 20th traced node output.
    std::size_t seen = 0;
    nlohmann::json changed;
    for (const auto& entry : trace)
        if (entry["node"].get<int>() >= 0 && ++seen == 20) changed = entry;
    QVERIFY(!changed.is_null());
    const auto file = (folder / changed["file"].get<std::string>()).string();
    auto tensor = runtime::readNpyTensor(file);
    auto bytes = tensor.mutableBytes();
    bytes[0] = std::byte(std::to_integer<unsigned>(bytes[0]) ^ 0x01u);
    QVERIFY(runtime::writeNpyTensor(file, tensor).empty());
    QVERIFY(diffWith(folderText, 3, true));
    const auto* first = window_->currentDocument()->diffResults()->report.firstDivergence();
    QVERIFY(first);
    QCOMPARE(first->a.graph, changed["graph"].get<std::string>());
    QCOMPARE(first->a.node, changed["node"].get<std::int64_t>());
    QCOMPARE(first->metrics.mismatched, std::uint64_t(1));
    QVERIFY(window_->currentDocument()->selection().current().index ==
            std::size_t(changed["node"].get<std::int64_t>()));
}

void GuiDiffTest::aRunningDiffCanBeCancelled() {
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    QVERIFY(waitForLayout(window_->currentGraph()));
    QSignalSpy finished(window_.get(), &MainWindow::diffFinished);
    window_->diffCurrentModel(guiFixture("tosa/arm_mv2_ethosu55_tag1.tosa"), 1);
    auto* dialog = window_->findChild<QProgressDialog*>("diffProgress");
    QVERIFY(dialog);
    // The dialog's Cancel button, as the user presses it.
    auto* cancel = dialog->findChild<QPushButton*>();
    QVERIFY(cancel);
    cancel->click();
    QVERIFY(finished.wait(kDiffTimeoutMs));
    const auto outcome = finished.takeFirst();
    QCOMPARE(outcome.at(0).toBool(), false);
    QVERIFY2(outcome.at(1).toString().contains("cancelled"), qPrintable(outcome.at(1).toString()));
    QVERIFY(!window_->currentDocument()->diffResults());
}

void GuiDiffTest::aProfilingOnlyEtdumpSaysWhyNothingIsCompared() {
    QVERIFY(window_->openFile(guiFixture("pte/et_apple_add_portable.pte")));
    QSignalSpy finished(window_.get(), &MainWindow::diffFinished);
    window_->diffCurrentModel(guiFixture("etdump/et_tutorial_etdump.etdp"), 0);
    QVERIFY(finished.wait(kDiffTimeoutMs));
    const auto outcome = finished.takeFirst();
    QCOMPARE(outcome.at(0).toBool(), false);
    QVERIFY2(outcome.at(1).toString().contains("no debug event with a tensor"),
             qPrintable(outcome.at(1).toString()));
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("pteron-test");
    QApplication::setApplicationName("pteron-gui-diff-test");
    GuiDiffTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "gui_diff_test.moc"
