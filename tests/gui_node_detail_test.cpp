// Desktop app node detail: NPU operations coloured by kind within their backend's hue, weight
// and bias shapes on operator boxes, schema names of custom-op arguments, node tooltips and
// NPU weight streams shown as encoded streams.
#include "app/gui/main_window.hpp"
#include "tests/support/fixtures.hpp"
#include "views/graph/backend_colors.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/legend_bar.hpp"
#include "views/graph/node_item.hpp"
#include "views/graph/node_placement.hpp"
#include "views/model_document.hpp"

#include <QApplication>
#include <QTest>

#include <cmath>
#include <map>
#include <memory>
#include <set>

using namespace pteron;

namespace {

constexpr int kLayoutTimeoutMs = 120000;

QString fixture(const char* relative) {
    return QString::fromStdString(testing::fixture(relative));
}

bool waitForLayout(GraphPanel* panel) {
    return panel &&
           QTest::qWaitFor([panel] { return !panel->isLayoutRunning(); }, kLayoutTimeoutMs);
}

// Degrees between two hues on the colour wheel.
double hueDistance(double a, double b) {
    const double d = std::fmod(std::abs(a - b), 360.0);
    return std::min(d, 360.0 - d);
}

} // namespace

class GuiNodeDetailTest : public QObject {
    Q_OBJECT

  private slots:
    void init() { window_ = std::make_unique<MainWindow>(); }
    void cleanup() { window_.reset(); }

    void npuOperationsAreColouredByKindInTheBackendHue();

  private:
    GraphPanel* open(const char* relative) {
        if (!window_->openFile(fixture(relative))) return nullptr;
        auto* panel = window_->currentGraph();
        return waitForLayout(panel) ? panel : nullptr;
    }
    GraphPanel* openExpanded(const char* relative) {
        auto* panel = open(relative);
        if (!panel) return nullptr;
        panel->setLayersGrouped(false);
        panel->setExpandInPlace(true);
        return waitForLayout(panel) ? panel : nullptr;
    }

    std::unique_ptr<MainWindow> window_;
};

// The MobileNetV2 Ethos-U55 delegate expanded into its command stream: each kind of operation
// has one fill, kinds differ, and every fill keeps the hue of the Ethos-U backend colour.
void GuiNodeDetailTest::npuOperationsAreColouredByKindInTheBackendHue() {
    auto* panel = openExpanded("pte/arm_mv2_ethosu55_128_int8.pte");
    QVERIFY(panel);
    const auto& graph = panel->displayGraph()->graph;
    std::map<std::string, QColor> fillOfKind;
    std::size_t npuNodes = 0;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto& node = graph.nodes[i];
        if (!node.op.starts_with("ethosu.")) continue;
        ++npuNodes;
        const auto kind = node.op.substr(7);
        const auto fill = panel->scene()->nodeItem(i)->fill();
        const auto backend = backendColor(nodePlacement(graph, node));
        QVERIFY(backend.hslHueF() >= 0);
        QVERIFY2(hueDistance(fill.hslHueF() * 360, backend.hslHueF() * 360) < 2.0,
                 qPrintable(QString::fromStdString(node.op) + " " + fill.name() + " vs " +
                            backend.name()));
        const auto [known, added] = fillOfKind.emplace(kind, fill);
        QVERIFY2(added || known->second == fill, qPrintable(QString::fromStdString(node.op)));
    }
    QVERIFY(npuNodes > 50);
    for (const auto* kind : {"CONV", "DEPTHWISE", "ELEMENTWISE", "DMA"})
        QVERIFY2(fillOfKind.count(kind), kind);
    std::set<QRgb> distinct;
    for (const auto& [kind, fill] : fillOfKind)
        distinct.insert(fill.rgb());
    // Synchronisation commands share one pale shade; every other kind has its own.
    std::size_t waits = 0;
    for (const auto* kind : {"DMA_WAIT", "KERNEL_WAIT", "STOP"})
        waits += fillOfKind.count(kind);
    QCOMPARE(distinct.size(), fillOfKind.size() - (waits > 0 ? waits - 1 : 0));
    QVERIFY(fillOfKind.at("CONV") != fillOfKind.at("DEPTHWISE"));
    QVERIFY(fillOfKind.at("CONV") != fillOfKind.at("ELEMENTWISE"));
    QVERIFY(fillOfKind.at("CONV") != fillOfKind.at("DMA"));

    // The legend names each kind in the shade the boxes use.
    const auto& legend = panel->legend()->operationKinds();
    QCOMPARE(std::size_t(legend.size()), fillOfKind.size());
    for (const auto& [kind, fill] : fillOfKind)
        QCOMPARE(legend.value(QString::fromStdString(kind)), fill);
}

QTEST_MAIN(GuiNodeDetailTest)
#include "gui_node_detail_test.moc"
