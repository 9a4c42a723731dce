// Desktop application tests: real fixtures opened in the main window, panels, search and export.
#include "adapters/common/op_macs.hpp"
#include "adapters/common/placement_figures.hpp"
#include "app/gui/main_window.hpp"
#include "app/gui/screenshot.hpp"
#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"
#include "runtime/tensor_elements.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gui_fixtures.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/graph_view.hpp"
#include "views/graph/layered_layout.hpp"
#include "views/graph/node_item.hpp"
#include "views/model_document.hpp"
#include "views/panels/model_tree_panel.hpp"
#include "views/panels/placement_panel.hpp"
#include "views/panels/properties_panel.hpp"
#include "views/panels/search_panel.hpp"
#include "views/panels/vela_layer_rows.hpp"
#include "views/panels/vela_panel.hpp"
#include "views/tensor/tensor_elements.hpp"
#include "views/tensor/tensor_panel.hpp"

#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QUrl>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <memory>
#include <numeric>

using namespace pteron;
using testing::guiFixture;
using testing::waitForLayout;

namespace {

QString madeFile(const char* name) {
    std::filesystem::create_directories(testing::madeDir());
    return QString::fromStdString((testing::madeDir() / name).string());
}

// Index of the first node of `graph` whose op is `op`.
std::optional<std::size_t> nodeWithOp(const Graph& graph, std::string_view op) {
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
        if (graph.nodes[i].op == op) return i;
    return std::nullopt;
}

// Index of the first node of `graph` whose op is `op`, failing the test when there is none.
std::size_t requireOp(const Graph& graph, std::string_view op) {
    const auto found = nodeWithOp(graph, op);
    if (!found) qFatal("no %s node in graph %s", std::string(op).c_str(), graph.id.c_str());
    return *found;
}

double dims(const Graph& graph, std::int64_t value, std::initializer_list<std::size_t> axes) {
    double product = 1;
    for (auto axis : axes)
        product *= double(graph.value(value)->shape.at(axis));
    return product;
}

// Waits until `engine` is first called, then until its cancel flag is raised.
struct BlockingEngine {
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    SceneLayout operator()(const Graph& graph, const LayoutSettings& settings,
                           const std::atomic<bool>* cancel) const {
        if (calls->fetch_add(1) == 0)
            while (!cancel->load())
                QThread::msleep(2);
        return layeredLayout(graph, settings, nullptr);
    }
};

std::shared_ptr<const Model> openModel(const char* relative) {
    return std::make_shared<const Model>(
        FormatRegistry::standard().open(testing::fixture(relative)));
}

// A chain of `count` additions, for the large-graph path.
std::shared_ptr<const Model> chainModel(std::size_t count) {
    Model model;
    Graph graph;
    graph.id = "generated";
    graph.kind = "method";
    const auto cpu = graph.hostPartition("portable");
    Value value;
    value.dtype = DType::Float32;
    value.hasShape = true;
    value.shape = {1, 16};
    graph.inputs.push_back(std::int64_t(graph.addValue(value)));
    for (std::size_t i = 0; i < count; ++i) {
        Node node;
        node.op = "aten::add.out";
        node.partition = cpu;
        node.inputs.push_back({std::int64_t(i), {}});
        node.outputs.push_back({std::int64_t(graph.addValue(value)), {}});
        graph.nodes.push_back(std::move(node));
    }
    model.addGraph(std::move(graph));
    return std::make_shared<const Model>(std::move(model));
}

Value tensor(DType type, std::vector<std::int64_t> shape) {
    Value value;
    value.dtype = type;
    value.hasShape = true;
    value.shape = std::move(shape);
    return value;
}

Node opNode(std::string op, std::int64_t in, std::int64_t out, std::size_t partition) {
    Node node;
    node.op = std::move(op);
    node.inputs.push_back({in, {}});
    node.outputs.push_back({out, {}});
    node.partition = partition;
    return node;
}

// quantize -> NPU delegate (decoded into a two-operator child graph) -> dequantize.
std::shared_ptr<const Model> delegatedModel() {
    Model model;
    Graph top;
    top.id = "forward";
    top.kind = "method";
    const auto cpu = top.hostPartition("portable");
    Partition npu;
    npu.backend = "EthosUBackend";
    npu.device = DeviceClass::NPU;
    npu.delegated = true;
    npu.childGraph = 1;
    top.partitions.push_back(npu);
    for (auto type : {DType::Float32, DType::Int8, DType::Int8, DType::Float32})
        top.addValue(tensor(type, {1, 8}));
    top.inputs = {0};
    top.outputs = {3};
    top.nodes.push_back(opNode("cortex_m::quantize_per_tensor.out", 0, 1, cpu));
    top.nodes.push_back(opNode("EthosUBackend", 1, 2, 1));
    top.nodes.back().childGraphs = {1};
    top.nodes.push_back(opNode("cortex_m::dequantize_per_tensor.out", 2, 3, cpu));
    model.addGraph(std::move(top));

    Graph child;
    child.id = "forward/EthosUBackend#0";
    child.kind = "delegate";
    child.parent = 0;
    child.partitions.push_back(npu);
    for (int i = 0; i < 3; ++i)
        child.addValue(tensor(DType::Int8, {1, 8}));
    child.inputs = {0};
    child.outputs = {2};
    child.nodes.push_back(opNode("ethosu.CONV", 0, 1, 0));
    child.nodes.push_back(opNode("ethosu.FULLY_CONNECTED", 1, 2, 0));
    model.addGraph(std::move(child));
    return std::make_shared<const Model>(std::move(model));
}

} // namespace

class GuiTest : public QObject {
    Q_OBJECT

  private slots:
    void init() { window_ = std::make_unique<MainWindow>(); }
    void cleanup() { window_.reset(); }

    void opensPteFilesInTabs();
    void selectingANodeFillsEveryPanel();
    void searchFindsNodesAndSelectsThem();
    void placementCountsNpuShare();
    void ethosUDelegateIsAnNpuNode();
    void delegateOpensItsChildGraph();
    void directionSwitchRelaysOut();
    void exportWritesSvgAndPng();
    void exportWritesModelExplorerJson();
    void corruptFileShowsErrorAndAppKeepsRunning();
    void droppedFilesOpen();
    void velaReportListsSummaryFigures();
    void everyTosaVgfAndTfliteFixtureOpens();
    void nodeBoxesFitTheirText();
    void edgeLabelsAvoidCollisionsAndToggle();
    void commandStreamLayersFollowDataFlow();
    void layoutFailureFallsBackToLayered();
    void cancelledLayoutShowsLayeredAndRetries();
    void placementSharesCountOperatorsOnly();
    void macsFromShapesOfTheMobileNetV2Tosa();
    void velaPerLayerRowsSelectTheirNode();
    void velaPerLayerFileAloneListsItsNodes();
    void ethosUDelegateExpandsInPlaceFromItsMenu();
    void everyBranchOfANodeCanBeExpandedOrOpened();
    void propertiesShowTosaVgfAndTfliteNodes();
    void opensAnEtdump();
    void zoomAndFit();
    void screenshotSelectsAndWritesThePng();
    void searchResultChoiceSelectsTheNode();
    void recentFileActionReopens();
    void constantSelectionRaisesTensorDock();
    void delegateNodeShowsItsPartition();
    void minimapOnlyWhenGraphDoesNotFit();
    void largeGraphLaysOutWithSimpleItems();
    void decodesEveryViewerElementType();
    void delegateExpandsInPlaceAndOpensWithBreadcrumb();
    void runShowsComputedTensorsAndReportsWhatCannotRun();

  private:
    std::unique_ptr<MainWindow> window_;
};

void GuiTest::opensPteFilesInTabs() {
    QSignalSpy opened(window_.get(), &MainWindow::fileOpened);
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    QCOMPARE(window_->tabCount(), 2);
    QCOMPARE(opened.count(), 2);
    QVERIFY(waitForLayout(window_->currentGraph()));
    // The DS-CNN keyword spotter runs 16 instructions; one static view runs none but is shown.
    QCOMPARE(window_->currentGraph()->scene()->nodeCount(), std::size_t(17));
    QCOMPARE(window_->currentDocument()->model().format, std::string("executorch"));
    // Both files head the recent-files list, newest first.
    const auto recent = QSettings().value("recentFiles").toStringList();
    QVERIFY(recent.size() >= 2);
    QCOMPARE(recent.front(),
             QFileInfo(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")).absoluteFilePath());
    QCOMPARE(recent.at(1),
             QFileInfo(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")).absoluteFilePath());
    // Small graphs are laid out by Graphviz dot, with their input and output drawn too.
    QCOMPARE(window_->currentGraph()->layoutEngineName(), QString("graphviz dot"));
}

void GuiTest::selectingANodeFillsEveryPanel() {
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    // Clicking the node in the scene is the same as selecting it anywhere else.
    panel->scene()->nodeItem(3)->setSelected(true);
    const auto& target = window_->currentDocument()->selection().current();
    QCOMPARE(int(target.kind), int(SelectionTarget::Kind::Node));
    QCOMPARE(target.index, std::size_t(3));

    auto* properties = window_->properties();
    QCOMPARE(properties->valueOf("operator"), QString("cortex_m::quantized_depthwise_conv2d.out"));
    QCOMPARE(properties->valueOf("backend"), QString("cortex_m"));
    QCOMPARE(properties->valueOf("device"), QString("CPU"));
    QCOMPARE(properties->valueOf("instruction"), QString("3"));
    QCOMPARE(properties->valueOf("input"), QString("%106 : int8[1,64,25,5]"));
    QCOMPARE(properties->valueOf("weight"), QString("%44 : int8[1,3,3,64]"));

    // The tree follows the selection: the current row is node #3 under its partition.
    auto* tree = window_->tree()->tree();
    QCOMPARE(tree->currentIndex().data().toString(),
             QString("cortex_m::quantized_depthwise_conv2d.out"));

    // The tensor viewer shows the node's first constant: the 3x3 depthwise weights.
    auto* tensor = window_->tensor();
    QVERIFY(tensor->shownValue().has_value());
    QCOMPARE(tensor->shownValue()->second, std::int64_t(44));
    QVERIFY(tensor->infoText().contains("576 elements"));
    const auto npy = madeFile("gui_kws_weights.npy");
    QCOMPARE(tensor->saveNpy(npy), QString());
    QFile file(npy);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto bytes = file.readAll();
    QVERIFY(bytes.startsWith("\x93NUMPY"));
    QVERIFY(bytes.contains("'descr': '|i1'"));
    QVERIFY(bytes.contains("'shape': (1, 3, 3, 64)"));
    const auto& weights = *window_->currentDocument()->model().graphs[0].value(44);
    QCOMPARE(bytes.size(), qsizetype(128 + 576));
    QVERIFY(std::equal(weights.data.bytes().begin(), weights.data.bytes().end(),
                       reinterpret_cast<const std::byte*>(bytes.constData()) + 128));
}

void GuiTest::searchFindsNodesAndSelectsThem() {
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    QVERIFY(waitForLayout(window_->currentGraph()));
    auto* search = window_->search();
    search->search("cortex_m::quantized_conv2d.out", SearchField::Operator);
    QCOMPARE(search->hits().size(), std::size_t(4));
    search->next();
    const auto first = search->hits().front().node;
    QCOMPARE(window_->currentDocument()->selection().current().index, first);
    QCOMPARE(window_->properties()->valueOf("operator"), QString("cortex_m::quantized_conv2d.out"));
    search->next();
    QCOMPARE(window_->currentDocument()->selection().current().index, search->hits()[1].node);
    search->previous();
    QCOMPARE(window_->currentDocument()->selection().current().index, first);

    search->search("cortex_m", SearchField::Backend);
    QCOMPARE(search->hits().size(), std::size_t(15));
    search->search("1, 64, 25, 5", SearchField::Shape);
    QCOMPARE(search->hits().size(), std::size_t(13));
    search->search("fp32", SearchField::DType);
    QCOMPARE(search->hits().size(), std::size_t(2)); // quantize in, dequantize out
}

void GuiTest::placementCountsNpuShare() {
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    // MACs from the shapes of the 4 convolutions, 4 depthwise convolutions and the linear layer.
    QCOMPARE(window_->placement()->summaryText(),
             QString("17 operators, 0 on NPU (0.0 %) · %1 MACs, 0.0 % on NPU")
                 .arg(QLocale().toString(2656768)));
    QCOMPARE(window_->placement()->table()->topLevelItemCount(), 2);
}

void GuiTest::ethosUDelegateIsAnNpuNode() {
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto& graph = window_->currentDocument()->model().graphs[panel->currentGraph()];
    const auto delegate = nodeWithOp(graph, "EthosUBackend");
    QVERIFY(delegate.has_value());
    window_->currentDocument()->selection().select(
        {SelectionTarget::Kind::Node, panel->currentGraph(), *delegate});
    QCOMPARE(window_->properties()->valueOf("device"), QString("NPU"));
    QCOMPARE(window_->properties()->valueOf("target"), QString("ethos-u55-128"));
    QVERIFY(panel->scene()->nodeItem(*delegate)->isSelected());
    window_->currentDocument()->selection().select({SelectionTarget::Kind::Partition,
                                                    panel->currentGraph(),
                                                    graph.nodes[*delegate].partition});
    QCOMPARE(window_->properties()->valueOf("payload size"),
             QString("3379376 bytes (%1)").arg(QLocale().formattedDataSize(3379376)));
    QCOMPARE(window_->properties()->valueOf("tosa_spec"), QString("TOSA-1.0+INT+int16+u55"));
    // A selected partition highlights the nodes placed on it, and only those.
    QVERIFY(panel->scene()->nodeItem(*delegate)->isSelected());
    QVERIFY(!panel->scene()->nodeItem(0)->isSelected());
    // Three operators in the top graph, one of them on the NPU, plus any decoded NPU operations.
    QVERIFY(window_->placement()->summaryText().contains(" on NPU"));
}

void GuiTest::delegateOpensItsChildGraph() {
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    const auto delegate = nodeWithOp(model.graphs[top], "EthosUBackend");
    QVERIFY(delegate.has_value());
    const auto& children = model.graphs[top].nodes[*delegate].childGraphs;
    QCOMPARE(children.size(), std::size_t(1));

    QVERIFY(panel->scene()->nodeItem(*delegate)->hasChildGraph());
    QVERIFY(panel->openChildGraph(*delegate));
    QCOMPARE(panel->currentGraph(), children.front());
    QVERIFY(waitForLayout(panel));
    const auto& child = model.graphs[children.front()];
    QVERIFY(!child.nodes.empty());
    // Every operation is drawn, on its own or inside the node of its layer.
    QCOMPARE(panel->scene()->nodeCount(), panel->displayGraph()->graph.nodes.size());
    for (std::size_t n = 0; n < child.nodes.size(); ++n)
        QVERIFY(panel->drawnIndex(children.front(), n).has_value());
    // What the NPU runs: every operation of the command stream is an Ethos-U one.
    for (const auto& node : child.nodes)
        QVERIFY2(node.op.starts_with("ethosu."), node.op.c_str());
    QVERIFY(
        window_->placement()->summaryText().contains(QString("%1 on NPU").arg(child.nodes.size())));
    // The breadcrumb leads back to the calling graph.
    const auto crumbs = panel->findChildren<QToolButton*>("breadcrumb");
    QCOMPARE(crumbs.size(), 2);
    crumbs.front()->click();
    QCOMPARE(panel->currentGraph(), top);
}

void GuiTest::directionSwitchRelaysOut() {
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto vertical = panel->scene()->itemsBoundingRect();
    QVERIFY(vertical.height() > vertical.width());
    panel->setHorizontal(true);
    QVERIFY(waitForLayout(panel));
    const auto horizontal = panel->scene()->itemsBoundingRect();
    QVERIFY(horizontal.width() > horizontal.height());
}

void GuiTest::exportWritesSvgAndPng() {
    window_->show();
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    QVERIFY(waitForLayout(window_->currentGraph()));
    const auto svg = madeFile("gui_kws.svg");
    QCOMPARE(window_->exportCurrent(svg, ExportArea::WholeScene), QString());
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto text = file.readAll();
    QVERIFY(text.startsWith("<?xml"));
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("quantized_conv2d"));
    const auto png = madeFile("gui_kws.png");
    QCOMPARE(window_->exportCurrent(png, ExportArea::Visible), QString());
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 100);
}

void GuiTest::exportWritesModelExplorerJson() {
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    const auto path = madeFile("gui_kws_model_explorer.json");
    QCOMPARE(window_->exportModelExplorerJson(path), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto json = QJsonDocument::fromJson(file.readAll());
    QVERIFY(json.isObject());
    const auto graphs = json.object().value("graphs").toArray();
    QCOMPARE(graphs.size(), qsizetype(window_->currentDocument()->model().graphs.size()));
    QVERIFY(QJsonDocument(graphs.first().toObject()).toJson().contains("quantized_conv2d"));
}

void GuiTest::corruptFileShowsErrorAndAppKeepsRunning() {
    window_->show();
    QSignalSpy failed(window_.get(), &MainWindow::openFailed);
    QVERIFY(!window_->openFile(guiFixture("pte/cc_corrupt_NOT_A_PTE.pte")));
    QCOMPARE(failed.count(), 1);
    const auto message = failed.front().at(1).toString();
    QVERIFY(message.contains("cc_corrupt_NOT_A_PTE.pte"));
    auto* box = window_->findChild<QMessageBox*>("openErrorDialog");
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QCOMPARE(box->text(), message);
    box->close();
    QCOMPARE(window_->tabCount(), 0);
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_add_portable.pte")));
    QCOMPARE(window_->tabCount(), 1);
    QVERIFY(waitForLayout(window_->currentGraph()));
}

void GuiTest::droppedFilesOpen() {
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(guiFixture("pte/et_arduino_add_portable.pte")),
                  QUrl::fromLocalFile(guiFixture("pte/cc_multi_method.pte"))});
    QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window_.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window_.get(), &drop);
    QCOMPARE(window_->tabCount(), 2);
    QVERIFY(waitForLayout(window_->currentGraph()));
    QVERIFY(window_->currentDocument()->path().endsWith("cc_multi_method.pte"));
}

void GuiTest::velaReportListsSummaryFigures() {
    const auto path = testing::fixture(
        "vela-reports/paddle_hello_world_int8_summary_Ethos_U55_High_End_Embedded.csv");
    QVERIFY(window_->openFile(QString::fromStdString(path)));
    const auto& metadata = window_->currentDocument()->model().metadata;
    const auto vela = std::count_if(metadata.begin(), metadata.end(), [](const Attribute& item) {
        return item.name.starts_with("vela.");
    });
    QVERIFY(vela > 0);
    QCOMPARE(window_->vela()->entryCount(), int(vela));
}

void GuiTest::everyTosaVgfAndTfliteFixtureOpens() {
    int opened = 0;
    for (const char* folder : {"tosa", "vgf", "tflite"}) {
        const char* extension = folder;
        for (const auto& path : testing::fixturesIn(folder, std::string(".") + extension)) {
            QVERIFY2(window_->openFile(QString::fromStdString(path)), path.c_str());
            auto* panel = window_->currentGraph();
            QVERIFY(waitForLayout(panel));
            const auto& model = window_->currentDocument()->model();
            QCOMPARE(panel->scene()->nodeCount(), model.graphs[panel->currentGraph()].nodes.size());
            ++opened;
        }
    }
    // 5 TOSA, 4 VGF and 7 TFLite fixtures.
    QCOMPARE(opened, 16);
}

void GuiTest::largeGraphLaysOutWithSimpleItems() {
    ModelDocument document(chainModel(3000), "generated");
    GraphPanel panel(document, &layeredLayout);
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(3000));
    // Large graphs skip per-item pixmap caches.
    QCOMPARE(int(panel.scene()->nodeItem(0)->cacheMode()), int(QGraphicsItem::NoCache));
    QCOMPARE(panel.layoutEngineName(), QString("layered"));
}

void GuiTest::delegateExpandsInPlaceAndOpensWithBreadcrumb() {
    ModelDocument document(delegatedModel(), "delegated");
    GraphPanel panel(document, &layeredLayout);
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(3));
    QVERIFY(panel.scene()->nodeItem(1)->hasChildGraph());

    // In place: the delegate box is replaced by its two NPU operations, wired in between.
    panel.setExpandInPlace(true);
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(4));
    QCOMPARE(panel.drawnIndex(1, 0), std::optional<std::size_t>(1));
    QCOMPARE(panel.drawnIndex(0, 1), std::optional<std::size_t>());
    for (std::size_t i = 0; i + 1 < 4; ++i)
        QVERIFY(panel.scene()->nodeItem(i)->boundingRect().center().y() <
                panel.scene()->nodeItem(i + 1)->boundingRect().center().y());
    panel.scene()->nodeItem(2)->setSelected(true);
    QCOMPARE(document.selection().current(), (SelectionTarget{SelectionTarget::Kind::Node, 1, 1}));
    QCOMPARE(panel.currentGraph(), std::size_t(0));

    PlacementPanel placement;
    placement.setDocument(&document);
    QCOMPARE(placement.summaryText(), QString("4 operators, 2 on NPU (50.0 %)"));

    // Opened on its own, with a breadcrumb back to the calling graph.
    panel.setExpandInPlace(false);
    QVERIFY(panel.openChildGraph(1));
    QCOMPARE(panel.currentGraph(), std::size_t(1));
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(2));
    const auto crumbs = panel.findChildren<QToolButton*>("breadcrumb");
    QCOMPARE(crumbs.size(), 2);
    QCOMPARE(crumbs.front()->text(), QString("forward"));
    crumbs.front()->click();
    QCOMPARE(panel.currentGraph(), std::size_t(0));
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(3));
}

// Element decoding from raw little-endian bytes, one case per dtype the viewer supports.
void GuiTest::decodesEveryViewerElementType() {
    auto decode = [](DType type, std::vector<std::uint8_t> raw, std::int64_t count) {
        const auto bytes = std::as_bytes(std::span(raw));
        auto file = MappedFile::fromBytes("elements", bytes);
        Value value;
        value.dtype = type;
        value.hasShape = true;
        value.shape = {count};
        value.data = ByteView(file, file->bytes());
        return decodeElements(value).value_or(std::vector<double>{});
    };
    QCOMPARE(decode(DType::Float32, {0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}, 2),
             (std::vector<double>{1.0, -2.0}));
    QCOMPARE(decode(DType::Float16, {0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38}, 3),
             (std::vector<double>{1.0, -2.0, 0.5}));
    QCOMPARE(decode(DType::BFloat16, {0x80, 0x3f, 0x40, 0xc0}, 2),
             (std::vector<double>{1.0, -3.0}));
    QCOMPARE(decode(DType::Int8, {0xff, 0x7f}, 2), (std::vector<double>{-1, 127}));
    QCOMPARE(decode(DType::UInt8, {0xff, 0x00}, 2), (std::vector<double>{255, 0}));
    QCOMPARE(decode(DType::Int16, {0x00, 0x80}, 1), (std::vector<double>{-32768}));
    QCOMPARE(decode(DType::Int32, {0xfe, 0xff, 0xff, 0xff}, 1), (std::vector<double>{-2}));
    QCOMPARE(decode(DType::Int64, {5, 0, 0, 0, 0, 0, 0, 0}, 1), (std::vector<double>{5}));
    QCOMPARE(decode(DType::Bool, {0, 2}, 2), (std::vector<double>{0, 1}));
    // Fewer bytes than the shape needs: nothing is decoded rather than reading past the end.
    QVERIFY(decode(DType::Int32, {1, 0, 0}, 1).empty());
    const std::vector<double> sample{-1, 0, 1, 2};
    const auto stats = tensorStats(sample);
    QCOMPARE(stats.min, -1.0);
    QCOMPARE(stats.max, 2.0);
    QCOMPARE(stats.mean, 0.5);
    QCOMPARE(histogram(sample, stats, 3), (std::vector<std::size_t>{1, 1, 2}));
}

// Graphviz lays each box out at the size the view draws it, so the operator name fits.
void GuiTest::nodeBoxesFitTheirText() {
    QVERIFY(window_->openFile(guiFixture("tosa/arm_mv2_ethosu_N_tag277.tosa")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->layoutEngineName(), QString("graphviz dot"));
    const auto& graph = panel->displayGraph()->graph;
    const auto depthwise = requireOp(graph, "tosa.DEPTHWISE_CONV2D");
    QFont font;
    font.setPointSizeF(8.5);
    const QFontMetricsF metrics(font);
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        const auto box = panel->scene()->nodeItem(n)->boundingRect().adjusted(2, 2, -2, -2);
        const auto expected = nodeBoxSize(graph, graph.nodes[n]);
        // Graphviz keeps sizes to a hundredth of an inch.
        QVERIFY(std::abs(box.width() - expected.width()) < 1.5);
        QVERIFY(std::abs(box.height() - expected.height()) < 1.5);
        // The title has 6 points of margin on either side.
        const auto title = QString::fromStdString(graph.nodes[n].op);
        QVERIFY2(metrics.horizontalAdvance(title) <= box.width() - 12, qPrintable(title));
    }
    QVERIFY(panel->scene()->nodeItem(depthwise)->boundingRect().width() > 160);
}

void GuiTest::edgeLabelsAvoidCollisionsAndToggle() {
    QVERIFY(window_->openFile(guiFixture("tosa/arm_mv2_ethosu_N_tag277.tosa")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    auto* scene = panel->scene();
    const auto& labels = scene->edgeLabels();
    QVERIFY(labels.size() > 10);
    std::vector<QRectF> boxes;
    for (auto* label : labels) {
        QVERIFY(label->isVisible());
        boxes.push_back(label->sceneBoundingRect());
    }
    for (std::size_t a = 0; a < boxes.size(); ++a)
        for (std::size_t b = a + 1; b < boxes.size(); ++b)
            QVERIFY(!boxes[a].intersects(boxes[b]));
    for (std::size_t n = 0; n < scene->nodeCount(); ++n)
        for (const auto& box : boxes)
            QVERIFY(!box.intersects(scene->nodeItem(n)->boundingRect().adjusted(2, 2, -2, -2)));
    // The toolbar toggle hides and shows them.
    auto* toggle = panel->findChild<QToolButton*>("edgeLabelsButton");
    QVERIFY(toggle->isEnabled() && toggle->isChecked());
    toggle->click();
    QVERIFY(!scene->edgeLabelsVisible());
    QVERIFY(std::none_of(labels.begin(), labels.end(), [](auto* l) { return l->isVisible(); }));
    toggle->click();
    QVERIFY(std::all_of(labels.begin(), labels.end(), [](auto* l) { return l->isVisible(); }));

    // Above 2000 nodes there are no labels, and the toggle says so.
    ModelDocument document(chainModel(3000), "generated");
    GraphPanel large(document, &layeredLayout);
    QVERIFY(waitForLayout(&large));
    auto* largeToggle = large.findChild<QToolButton*>("edgeLabelsButton");
    QVERIFY(large.scene()->edgeLabels().empty());
    QVERIFY(!largeToggle->isEnabled());
    QVERIFY(!largeToggle->isChecked());
}

// The MobileNetV2 Ethos-U command stream: weight DMAs sit right above the operation they feed,
// not all in one first row.
void GuiTest::commandStreamLayersFollowDataFlow() {
    const auto model = openModel("pte/arm_mv2_ethosu55_128_int8.pte");
    std::size_t stream = model->graphs.size();
    for (std::size_t g = 0; g < model->graphs.size(); ++g)
        if (model->graphs[g].parent) stream = g;
    QVERIFY(stream < model->graphs.size());
    const auto& graph = model->graphs[stream];
    QCOMPARE(graph.nodes.size(), std::size_t(984));
    const auto layout = layeredLayout(graph, {}, nullptr);
    std::vector<double> rowTops;
    for (const auto& box : layout.nodes)
        rowTops.push_back(box.top());
    std::sort(rowTops.begin(), rowTops.end());
    rowTops.erase(std::unique(rowTops.begin(), rowTops.end()), rowTops.end());
    auto rowOf = [&](std::size_t n) {
        return std::size_t(std::lower_bound(rowTops.begin(), rowTops.end(), layout.nodes[n].top()) -
                           rowTops.begin());
    };
    // No row is wider than twelve boxes.
    std::map<std::size_t, int> perRow;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        QVERIFY(++perRow[rowOf(n)] <= 12);
    const auto edges = graphEdges(graph);
    int dmas = 0;
    int close = 0;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        if (graph.nodes[n].op != "ethosu.DMA") continue;
        std::size_t consumer = kNoNode;
        for (const auto& edge : edges)
            if (edge.from == n && edge.to < consumer) consumer = edge.to;
        if (consumer == kNoNode) continue;
        ++dmas;
        QVERIFY(rowOf(n) < rowOf(consumer));
        // Two rows apart, more where a layer of parallel stripes wraps (the last 1x1
        // convolution runs as dozens of them, each with its weight DMA).
        const auto apart = rowOf(consumer) - rowOf(n);
        QVERIFY2(apart <= 8, graph.nodes[consumer].op.c_str());
        close += apart <= 2 ? 1 : 0;
    }
    QVERIFY(rowTops.size() > 100);
    QVERIFY(close * 2 > dmas);
    QVERIFY(dmas > 100);
}

void GuiTest::layoutFailureFallsBackToLayered() {
    ModelDocument document(openModel("pte/et_arduino_kws_dscnn_cortexm_int8.pte"), "kws");
    GraphPanel panel(
        document, [](const Graph&, const LayoutSettings&, const std::atomic<bool>*) -> SceneLayout {
            throw std::runtime_error("Graphviz dot layout failed for graph forward");
        });
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(17));
    QCOMPARE(panel.layoutEngineName(), QString("layered"));
    QVERIFY(panel.statusText().contains("Graphviz dot layout failed for graph forward"));
}

void GuiTest::cancelledLayoutShowsLayeredAndRetries() {
    ModelDocument document(openModel("pte/et_arduino_kws_dscnn_cortexm_int8.pte"), "kws");
    BlockingEngine engine;
    GraphPanel panel(document, engine);
    panel.show();
    QVERIFY(panel.isLayoutRunning());
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(0));
    panel.findChild<QPushButton*>("cancelLayoutButton")->click();
    // At once, without waiting for the engine: the layered layout of all 17 nodes.
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(17));
    QCOMPARE(panel.layoutEngineName(), QString("layered"));
    QVERIFY(panel.statusText().contains("cancelled"));
    auto* retry = panel.findChild<QPushButton*>("retryLayoutButton");
    QVERIFY(retry->isVisible());
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(17)); // the stopped job changed nothing
    retry->click();
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(engine.calls->load(), 2);
    QVERIFY(!retry->isVisible());
    QVERIFY(!panel.statusText().contains("cancelled"));
    QCOMPARE(panel.scene()->nodeCount(), std::size_t(17));
}

void GuiTest::placementSharesCountOperatorsOnly() {
    for (const char* file :
         {"pte/cc_linear_xnnpack_int8.pte", "tflite/paddle_hello_world_int8_vela.tflite"}) {
        QVERIFY(window_->openFile(guiFixture(file)));
        const auto summary = summarisePlacement(window_->currentDocument()->model());
        double shares = 0;
        std::size_t operators = 0;
        std::size_t calls = 0;
        for (const auto& row : summary.rows) {
            shares += summary.share(row);
            operators += row.operators;
            calls += row.calls;
        }
        QVERIFY2(std::abs(shares - 1.0) < 1e-9, file);
        QCOMPARE(operators, summary.operators);
        QCOMPARE(calls, std::size_t(1)); // the one delegate / ethos-u call
        // The panel's share column adds up to 100 % as well.
        double shown = 0;
        auto* table = window_->placement()->table();
        for (int i = 0; i < table->topLevelItemCount(); ++i)
            shown += table->topLevelItem(i)->text(4).chopped(2).toDouble();
        QVERIFY2(std::abs(shown - 100.0) < 0.2, file);
    }
    // XNNPACK: Convert, FullyConnected, Convert inside the delegate; the call itself apart.
    const auto summary = summarisePlacement(window_->currentDocument()->model());
    QVERIFY(summary.npuShare() == 1.0); // every decoded Ethos-U operation of the sine model
    QVERIFY(window_->openFile(guiFixture("pte/cc_linear_xnnpack_int8.pte")));
    const auto xnnpack = summarisePlacement(window_->currentDocument()->model());
    QCOMPARE(xnnpack.operators, std::size_t(3));
    // Linear(8, 8) on a batch of 2: 2 x 8 x 8 MACs.
    QCOMPARE(xnnpack.macs, 128.0);
}

void GuiTest::macsFromShapesOfTheMobileNetV2Tosa() {
    QVERIFY(window_->openFile(guiFixture("tosa/arm_mv2_ethosu55_tag1.tosa")));
    const auto& graph = window_->currentDocument()->model().graphs.front();
    // The first convolution: NHWC output, weight [OC, KH, KW, IC].
    const auto& conv = graph.nodes[requireOp(graph, "tosa.CONV2D")];
    const auto out = conv.outputs.front().value;
    const auto weight = conv.inputs.at(1).value;
    const double expected = dims(graph, out, {0, 1, 2, 3}) * dims(graph, weight, {1, 2, 3});
    QCOMPARE(expected, 112.0 * 112 * 32 * 3 * 3 * 3);
    QCOMPARE(estimateMacs(graph, conv), std::optional<double>(expected));
    // A depthwise one: weight [KH, KW, C, M], one 3x3 window per output element.
    const auto& depthwise = graph.nodes[requireOp(graph, "tosa.DEPTHWISE_CONV2D")];
    QCOMPARE(estimateMacs(graph, depthwise),
             std::optional<double>(dims(graph, depthwise.outputs.front().value, {0, 1, 2, 3}) *
                                   dims(graph, depthwise.inputs.at(1).value, {0, 1})));
    QCOMPARE(estimateMacs(graph, graph.nodes[requireOp(graph, "tosa.RESCALE")]),
             std::optional<double>());
    // MobileNetV2 at 224x224 is about 300 million MACs.
    const auto summary = summarisePlacement(window_->currentDocument()->model());
    QVERIFY2(summary.macs > 290e6 && summary.macs < 320e6,
             qPrintable(QString::number(summary.macs)));
    QVERIFY(window_->placement()->summaryText().contains(QLocale().toString(summary.macs, 'f', 0) +
                                                         " MACs"));
}

void GuiTest::velaPerLayerRowsSelectTheirNode() {
    window_->show();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto copy = dir.filePath("arm_mlek_kws_micronet_m_int8.tflite");
    QVERIFY(QFile::copy(guiFixture("tflite/arm_mlek_kws_micronet_m_int8.tflite"), copy));
    // Rows name the first three operators by their output tensors, as Vela does; a fourth row
    // names a tensor the model does not have.
    const auto original = openModel("tflite/arm_mlek_kws_micronet_m_int8.tflite");
    const auto& graph = original->graphs.front();
    const std::array<std::int64_t, 4> cycles{1000, 2000, 3000, 500};
    {
        std::ofstream csv(dir.filePath("arm_mlek_kws_micronet_m_int8_per-layer.csv").toStdString());
        csv << "Original Operator,NNG Operator,Target,Staging Usage,Peak% (Staging),Op Cycles,"
               "Network% (cycles),NPU,SRAM AC,DRAM AC,OnFlash AC,OffFlash AC,MAC Count,"
               "Network% (MAC),Util% (MAC),Name\n";
        for (std::size_t n = 0; n < cycles.size(); ++n) {
            const auto name =
                n < 3 ? graph.value(graph.nodes[n].outputs.front().value)->name : "no_such_tensor";
            csv << "CONV_2D,Conv2DBias,NPU,1024,10.0," << cycles[n] << ",1.0," << cycles[n]
                << ",0,0,0,0," << 5000 * (n + 1) << ",2.0," << 40 + n << ".5,\"" << name << "\"\n";
        }
    }
    QVERIFY(window_->openFile(copy));
    auto* layers = window_->vela()->layers();
    auto* rows = layers->model();
    QCOMPARE(rows->rowCount(), int(cycles.size())); // every row, matched or not
    const auto column = [rows](const QString& name) {
        for (int c = 0; c < rows->columnCount(); ++c)
            if (rows->headerData(c, Qt::Horizontal).toString() == name) return c;
        return -1;
    };
    const int cyclesColumn = column("Op Cycles");
    const int nameColumn = column("Name");
    const int matchedColumn = column("Matched Node");
    QVERIFY(cyclesColumn >= 0 && nameColumn >= 0 && matchedColumn >= 0);
    const auto text = [rows](int row, int column) { return rows->index(row, column).data(); };
    QCOMPARE(text(1, cyclesColumn).toString(), QLocale().toString(2000));
    QCOMPARE(text(1, column("MAC Count")).toString(), QLocale().toString(10000));
    QCOMPARE(text(1, column("Util% (MAC)")).toString(), QLocale().toString(41.5));
    QCOMPARE(text(1, column("NNG Operator")).toString(), QString("Conv2DBias"));
    QCOMPARE(rows->index(1, cyclesColumn).data(Qt::TextAlignmentRole).value<Qt::Alignment>(),
             Qt::AlignRight | Qt::AlignVCenter);
    QCOMPARE(text(3, nameColumn).toString(), QString("no_such_tensor"));
    QCOMPARE(text(3, matchedColumn).toString(), QString());
    QCOMPARE(rows->index(3, 0).data(Qt::ToolTipRole).toString(),
             QString("No node matched this row"));
    // The dock comes forward for a file with a report.
    bool raised = false;
    for (auto* bar : window_->findChildren<QTabBar*>())
        for (int i = 0; i < bar->count(); ++i)
            if (bar->tabText(i) == "Vela report" && bar->currentIndex() == i) raised = true;
    QVERIFY(raised);
    // Sorting by cycles compares numbers, not text ("500" would lead as text).
    layers->sortByColumn(cyclesColumn, Qt::DescendingOrder);
    QCOMPARE(text(0, cyclesColumn).toString(), QLocale().toString(3000));
    QCOMPARE(text(1, cyclesColumn).toString(), QLocale().toString(2000));
    QCOMPARE(text(3, cyclesColumn).toString(), QLocale().toString(500));
    // A click on a matched row selects the node it names.
    const auto click = [layers, rows](int row) {
        const auto rect = layers->visualRect(rows->index(row, 0));
        QTest::mouseClick(layers->viewport(), Qt::LeftButton, {}, rect.center());
    };
    click(1);
    const auto& selection = window_->currentDocument()->selection();
    const auto target = selection.current();
    QCOMPARE(int(target.kind), int(SelectionTarget::Kind::Node));
    QCOMPARE(target.index, std::size_t(1));
    const auto& selected = window_->currentDocument()->model().graphs[target.graph];
    QCOMPARE(text(1, matchedColumn).toString(),
             QString::fromStdString(selected.id + "/" + selected.nodes[target.index].name));
    QCOMPARE(window_->properties()->valueOf("vela.cycles"), QString("2000"));
    // A row no node was matched to leaves the selection alone.
    click(3);
    QVERIFY(selection.current() == target);
}

// A per-layer report opened on its own lists its rows; without the report table (models read
// before tables existed) the rows come from the figures on the nodes, still linked to them.
void GuiTest::velaPerLayerFileAloneListsItsNodes() {
    window_->show();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto path = dir.filePath("alone_per-layer.csv");
    {
        std::ofstream csv(path.toStdString());
        csv << "Original Operator,NNG Operator,Target,Staging Usage,Peak% (Staging),Op Cycles,"
               "Network% (cycles),NPU,SRAM AC,DRAM AC,OnFlash AC,OffFlash AC,MAC Count,"
               "Network% (MAC),Util% (MAC),Name\n"
               "CONV_2D,Conv2DBias,NPU,1024,10.0,700,70.0,700,0,0,0,0,5000,50.0,40.5,conv\n"
               "RESHAPE,Reshape,CPU,0,0.0,300,30.0,0,0,0,0,0,0,0.0,0.0,reshape\n";
    }
    QVERIFY(window_->openFile(path));
    auto model = window_->currentDocument()->model();
    auto* rows = window_->vela()->layers()->model();
    QCOMPARE(rows->rowCount(), 2);
    QCOMPARE(rows->columnCount(), int(model.findReportTable("vela.per_layer")->columns.size()));

    model.reportTables.clear();
    const auto fallback = velaLayerRows(model);
    QCOMPARE(fallback.rows.size(), std::size_t(2));
    QVERIFY(*fallback.cell(1, "Op Cycles") == AttributeValue{std::int64_t{300}});
    const auto* matched = fallback.cell(1, kMatchedNodeColumn);
    QVERIFY(matched && std::holds_alternative<std::string>(*matched));
    const auto target = matchedNode(model, std::get<std::string>(*matched));
    QVERIFY(target);
    QCOMPARE(model.graphs[target->graph].nodes[target->index].name, std::string("reshape"));
    QVERIFY(!matchedNode(model, "per-layer/no_such_node"));
}

void GuiTest::ethosUDelegateExpandsInPlaceFromItsMenu() {
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    const auto delegate = requireOp(model.graphs[top], "EthosUBackend");
    const auto child = model.graphs[top].nodes[delegate].childGraphs.at(0);
    const auto topCount = model.graphs[top].nodes.size();
    // Operation by operation rather than by layer.
    panel->setLayersGrouped(false);
    QVERIFY(waitForLayout(panel));
    std::unique_ptr<QMenu> menu(panel->nodeMenu(*panel->drawnIndex(top, delegate)));
    QStringList texts;
    for (auto* action : menu->actions())
        texts << action->text();
    QCOMPARE(texts,
             (QStringList{"Expand EthosUBackend in place", "Open EthosUBackend in own view"}));
    menu->actions().front()->trigger();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->currentGraph(), top);
    QCOMPARE(panel->expandedChild(delegate), std::optional<std::size_t>(child));
    // Its one delegate expanded, the graph is all expanded: the toolbar toggle says so.
    auto* expandAll = panel->findChild<QToolButton*>("expandButton");
    QVERIFY(expandAll);
    QVERIFY(expandAll->isChecked());
    // 984 NPU operations in place of the one delegate box.
    QCOMPARE(panel->scene()->nodeCount(), topCount - 1 + model.graphs[child].nodes.size());
    const auto first = panel->drawnIndex(child, 0);
    QVERIFY(first.has_value());
    QVERIFY(!panel->drawnIndex(top, delegate).has_value());
    const auto& drawn = panel->displayGraph()->graph;
    std::size_t npu = 0;
    for (const auto& node : drawn.nodes)
        npu += node.op.starts_with("ethosu.") ? 1 : 0;
    QCOMPARE(npu, model.graphs[child].nodes.size());
    QCOMPARE(QString::fromStdString(drawn.nodes[*first].op), QString("ethosu.POOL"));
    // Collapse from the menu of one of the NPU operations.
    menu.reset(panel->nodeMenu(*first));
    QCOMPARE(menu->actions().front()->text(), QString("Collapse EthosUBackend"));
    menu->actions().front()->trigger();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->scene()->nodeCount(), topCount);
    QVERIFY(!expandAll->isChecked());
    // The "+" corner of the delegate box toggles it too.
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    auto* box = panel->scene()->nodeItem(*panel->drawnIndex(top, delegate));
    QVERIFY(box->hasChildGraph());
    panel->view()->centerOn(box);
    const auto corner = panel->view()->mapFromScene(box->toggleRect().center());
    QTest::mouseClick(panel->view()->viewport(), Qt::LeftButton, {}, corner);
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->expandedChild(delegate), std::optional<std::size_t>(child));
    QCOMPARE(panel->scene()->nodeCount(), topCount - 1 + model.graphs[child].nodes.size());
}

// An If with two branches: each branch can be drawn in place or opened on its own.
void GuiTest::everyBranchOfANodeCanBeExpandedOrOpened() {
    Model model;
    Graph top;
    top.id = "main";
    top.kind = "graph";
    const auto cpu = top.hostPartition("tflite");
    for (int i = 0; i < 3; ++i)
        top.addValue(tensor(DType::Int8, {1, 4}));
    top.inputs = {0};
    top.outputs = {2};
    top.nodes.push_back(opNode("tflite.ABS", 0, 1, cpu));
    top.nodes.push_back(opNode("tflite.IF", 1, 2, cpu));
    top.nodes.back().childGraphs = {1, 2};
    model.addGraph(std::move(top));
    for (const char* branch : {"then", "else"}) {
        Graph child;
        child.id = branch;
        child.kind = "region";
        child.parent = 0;
        child.hostPartition("tflite");
        child.addValue(tensor(DType::Int8, {1, 4}));
        child.addValue(tensor(DType::Int8, {1, 4}));
        child.inputs = {0};
        child.outputs = {1};
        child.nodes.push_back(opNode(std::string("tflite.") + branch, 0, 1, 0));
        model.addGraph(std::move(child));
    }
    ModelDocument document(std::make_shared<const Model>(std::move(model)), "if");
    GraphPanel panel(document, &layeredLayout);
    QVERIFY(waitForLayout(&panel));
    std::unique_ptr<QMenu> menu(panel.nodeMenu(1));
    QStringList texts;
    for (auto* action : menu->actions())
        texts << action->text();
    QCOMPARE(texts, (QStringList{"Expand then in place", "Open then in own view",
                                 "Expand else in place", "Open else in own view"}));
    menu->actions().at(2)->trigger();
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.displayGraph()->graph.nodes.at(1).op, std::string("tflite.else"));
    // The drawn branch operation offers to fold the branch back or to open it alone.
    menu.reset(panel.nodeMenu(1));
    texts.clear();
    for (auto* action : menu->actions())
        texts << action->text();
    QCOMPARE(texts, (QStringList{"Collapse else", "Open else in own view"}));
    menu->actions().front()->trigger();
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.displayGraph()->graph.nodes.at(1).op, std::string("tflite.IF"));
    menu.reset(panel.nodeMenu(1));
    menu->actions().front()->trigger(); // expand then
    QVERIFY(waitForLayout(&panel));
    QCOMPARE(panel.displayGraph()->graph.nodes.at(1).op, std::string("tflite.then"));
    panel.setNodeExpanded(1, std::nullopt);
    QVERIFY(waitForLayout(&panel));
    menu.reset(panel.nodeMenu(0));
    QVERIFY(menu->actions().isEmpty()); // ABS has no child graph
    menu.reset(panel.nodeMenu(1));
    menu->actions().back()->trigger(); // open else
    QCOMPARE(panel.currentGraph(), std::size_t(2));
}

void GuiTest::propertiesShowTosaVgfAndTfliteNodes() {
    struct Case {
        const char* file;
        std::size_t node;
        std::vector<std::pair<QString, QString>> expected;
    };
    const std::vector<Case> cases{
        {"tosa/arm_mv2_ethosu55_tag1.tosa",
         109,
         {{"operator", "tosa.CONV2D"},
          {"pad", "[1, 0, 1, 0]"},
          {"stride", "[2, 2]"},
          {"input", "tosa_transpose_default : int8[1,224,224,3]"},
          {"weight", "b__frozen_param0 : int8[32,3,3,3]"},
          {"output", "layer-1 : int32[1,112,112,32]"}}},
        {"vgf/arm_mobilenet_v2_int8.vgf",
         0,
         {{"operator", "tosa.CONV2D"},
          {"device", "GPU"},
          {"stride", "[2, 2]"},
          {"pad", "[0, 1, 0, 1]"},
          {"input", "tfl.quantize : int8[1,224,224,3]"},
          {"weight", "constant #113 : int8[32,3,3,3]"},
          {"output", "%18807 : int32[1,112,112,32]"}}},
        {"tflite/arm_mlek_kws_micronet_m_int8.tflite",
         0,
         {{"operator", "tflite.CONV_2D"},
          {"name", "CONV_2D#0"},
          {"padding", "SAME"},
          {"fused_activation", "RELU6"},
          {"0", "input : int8[1,49,10,1]"},
          {"1", "Conv2D;StatefulPartitionedCall/StatefulPartitionedCall/PartitionedCall_2/"
                "PartitionedCall/Conv2D : int8[140,10,4,1]"}}},
    };
    for (const auto& test : cases) {
        QVERIFY(window_->openFile(guiFixture(test.file)));
        const auto graph = window_->currentDocument()->model().topLevelGraphs().front();
        window_->currentDocument()->selection().select(
            {SelectionTarget::Kind::Node, graph, test.node});
        for (const auto& [key, value] : test.expected)
            QCOMPARE(window_->properties()->valueOf(key), value);
    }
}

void GuiTest::opensAnEtdump() {
    QVERIFY(window_->openFile(guiFixture("etdump/et_tutorial_etdump.etdp")));
    const auto& model = window_->currentDocument()->model();
    QCOMPARE(model.format, std::string("etdump"));
    QCOMPARE(model.graphs.size(), std::size_t(2)); // two runs
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->scene()->nodeCount(), model.graphs[panel->currentGraph()].nodes.size());
    window_->search()->search("etdump.native_call_convolution.out", SearchField::Operator);
    QCOMPARE(window_->search()->hits().size(), std::size_t(2));
}

void GuiTest::zoomAndFit() {
    window_->show();
    QVERIFY(window_->openFile(guiFixture("vgf/arm_mobilenet_v2_int8.vgf")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    auto* view = panel->view();
    const double before = view->transform().m11();
    panel->findChild<QToolButton*>("zoomInButton")->click();
    QCOMPARE(view->transform().m11(), before * 1.25);
    panel->findChild<QToolButton*>("zoomOutButton")->click();
    QVERIFY(std::abs(view->transform().m11() - before) < 1e-9);
    panel->findChild<QToolButton*>("fitButton")->click();
    const auto visible = view->mapToScene(view->viewport()->rect()).boundingRect();
    const auto scene = panel->scene()->sceneRect();
    // The whole graph when it fits readably, else its whole width at the readable minimum.
    if (!visible.adjusted(-1, -1, 1, 1).contains(scene)) {
        QVERIFY(view->transform().m11() >= GraphView::kMinReadableScale - 1e-9);
        QVERIFY(visible.width() + 1 >= std::min(scene.width(), visible.width() + 1));
        QVERIFY(visible.top() <= scene.top() + 1);
    }
    QVERIFY(view->transform().m11() <= 1.0); // fitting never magnifies
}

void GuiTest::screenshotSelectsAndWritesThePng() {
    const auto png = madeFile("gui_screenshot_kws.png");
    QFile::remove(png);
    ScreenshotRequest request;
    request.output = png;
    request.select = "cortex_m::quantized_linear.out";
    request.file = guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    QCOMPARE(runScreenshot(*window_, request), 0);
    QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window_->size() * window_->devicePixelRatio());
    const auto& graph = window_->currentDocument()->model().graphs.front();
    const auto& target = window_->currentDocument()->selection().current();
    QCOMPARE(graph.nodes[target.index].op, std::string("cortex_m::quantized_linear.out"));
    QVERIFY(window_->currentGraph()->scene()->nodeItem(target.index)->isSelected());
    QVERIFY(window_->currentGraph()->layersGrouped());

    // --expand --stripes: the Ethos-U delegate's command stream operation by operation, so the
    // selected NPU CONV is one stripe, not a layer group.
    request.file = guiFixture("pte/arm_mv2_ethosu55_128_int8.pte");
    request.select = "ethosu.CONV";
    request.expand = true;
    request.stripes = true;
    QCOMPARE(runScreenshot(*window_, request), 0);
    QVERIFY(!window_->currentGraph()->layersGrouped());
    const auto& stripe = window_->currentDocument()->selection().current();
    const auto& stream = window_->currentDocument()->model().graphs[stripe.graph];
    QCOMPARE(stream.nodes[stripe.index].op, std::string("ethosu.CONV"));
    request.expand = false;
    request.stripes = false;

    request.file = guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    request.select = "no such operator";
    QCOMPARE(runScreenshot(*window_, request), 1);
    // An unreadable file is exit 2, as on the command line.
    request.select.clear();
    request.file = guiFixture("pte/cc_corrupt_NOT_A_PTE.pte");
    QCOMPARE(runScreenshot(*window_, request), 2);
}

void GuiTest::searchResultChoiceSelectsTheNode() {
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    auto* search = window_->search();
    search->search("cortex_m::quantized_depthwise_conv2d.out", SearchField::Operator);
    auto* results = search->findChild<QListWidget*>("searchResults");
    QCOMPARE(results->count(), int(search->hits().size()));
    QVERIFY(results->count() >= 2);
    results->setCurrentRow(1);
    QCOMPARE(window_->currentDocument()->selection().current().index, search->hits()[1].node);
    QCOMPARE(window_->properties()->valueOf("operator"),
             QString("cortex_m::quantized_depthwise_conv2d.out"));
}

void GuiTest::recentFileActionReopens() {
    QVERIFY(window_->openFile(guiFixture("pte/cc_multi_method.pte")));
    auto actions = window_->recentMenu()->actions();
    QVERIFY(!actions.isEmpty());
    QCOMPARE(actions.front()->text(),
             QFileInfo(guiFixture("pte/cc_multi_method.pte")).absoluteFilePath());
    const int tabs = window_->tabCount();
    actions.front()->trigger();
    QCOMPARE(window_->tabCount(), tabs + 1);
    QVERIFY(window_->currentDocument()->path().endsWith("cc_multi_method.pte"));
}

void GuiTest::constantSelectionRaisesTensorDock() {
    window_->show();
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    auto currentTab = [this](const QString& a, const QString& b) {
        for (auto* bar : window_->findChildren<QTabBar*>())
            for (int i = 0; i < bar->count(); ++i)
                if ((bar->tabText(i) == a || bar->tabText(i) == b) && bar->currentIndex() == i)
                    return bar->tabText(i);
        return QString();
    };
    QCOMPARE(currentTab("Properties", "Tensor"), QString("Properties"));
    // Value 44 holds the 3x3 depthwise weights.
    window_->currentDocument()->selection().select({SelectionTarget::Kind::Value, 0, 44});
    QCOMPARE(currentTab("Properties", "Tensor"), QString("Tensor"));
}

void GuiTest::delegateNodeShowsItsPartition() {
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    const auto& graph = window_->currentDocument()->model().graphs.front();
    window_->currentDocument()->selection().select(
        {SelectionTarget::Kind::Node, 0, requireOp(graph, "EthosUBackend")});
    QCOMPARE(window_->properties()->valueOf("operator"), QString("EthosUBackend"));
    QCOMPARE(window_->properties()->valueOf("payload size"),
             QString("3379376 bytes (%1)").arg(QLocale().formattedDataSize(3379376)));
    QCOMPARE(window_->properties()->valueOf("tosa_spec"), QString("TOSA-1.0+INT+int16+u55"));
}

void GuiTest::minimapOnlyWhenGraphDoesNotFit() {
    window_->show();
    QVERIFY(window_->openFile(guiFixture("pte/cc_linear_xnnpack_int8.pte")));
    QVERIFY(waitForLayout(window_->currentGraph()));
    QVERIFY(!window_->currentGraph()->view()->isMinimapShown());
    QVERIFY(window_->openFile(guiFixture("vgf/arm_mobilenet_v2_int8.vgf")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    QVERIFY(panel->view()->isMinimapShown());
    auto* minimap = panel->view()->findChild<Minimap*>();
    // A tall graph gets a tall thumbnail.
    QVERIFY(minimap->height() > 2 * minimap->width());
    // Zoomed out until the whole graph shows, the minimap goes.
    const auto rect = panel->scene()->sceneRect();
    const auto* viewport = panel->view()->viewport();
    const double whole =
        0.9 * std::min(viewport->width() / rect.width(), viewport->height() / rect.height());
    panel->view()->setTransform(QTransform::fromScale(whole, whole));
    panel->view()->zoomBy(1.0);
    QVERIFY(!panel->view()->isMinimapShown());
}

void GuiTest::runShowsComputedTensorsAndReportsWhatCannotRun() {
    QVERIFY(window_->openFile(guiFixture("tosa/tosa4spirv_simple_maxpool2d.tosa")));
    QSignalSpy finished(window_.get(), &MainWindow::runFinished);
    window_->runCurrentModel(3);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    const auto* results = window_->currentDocument()->runResults();
    QVERIFY(results);
    const auto& graph = window_->currentDocument()->model().graphs[results->graph];
    const auto* input = results->find(results->graph, graph.inputs.front());
    QVERIFY(input);
    // A 2x2 stride-2 max pool covers the whole 16x16 input: its maximum is the input's.
    const auto inputMax = pteron::runtime::statisticsOf(*input).max;
    window_->currentDocument()->selection().select(
        {SelectionTarget::Kind::Node, results->graph, 0});
    const auto info = window_->tensor()->infoText();
    QVERIFY2(info.contains("computed by the runtime"), qPrintable(info));
    QVERIFY2(info.contains("int8[1,8,8,16]"), qPrintable(info));
    QVERIFY2(info.contains(QString("max %1").arg(inputMax, 0, 'g', 6)), qPrintable(info));

    // A VGF whose SPIR-V is a placeholder cannot run: the run says so and nothing is kept.
    QVERIFY(window_->openFile(guiFixture("vgf/vgflib_single_maxpool_graph_v0_4_3.vgf")));
    window_->runCurrentModel(0);
    QVERIFY(finished.wait(20000));
    const auto failure = finished.takeFirst();
    QCOMPARE(failure.at(0).toBool(), false);
    QVERIFY2(failure.at(1).toString().contains("SPIR-V code is a placeholder"),
             qPrintable(failure.at(1).toString()));
    QVERIFY(!window_->currentDocument()->runResults());
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("pteron-test");
    QApplication::setApplicationName("pteron-gui-test");
    GuiTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "gui_test.moc"
