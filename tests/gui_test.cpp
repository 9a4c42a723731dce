// Desktop application tests: real fixtures opened in the main window, panels, search and export.
#include "app/gui/main_window.hpp"
#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "views/graph_panel.hpp"
#include "views/graph_scene.hpp"
#include "views/layered_layout.hpp"
#include "views/model_document.hpp"
#include "views/model_tree_panel.hpp"
#include "views/node_item.hpp"
#include "views/placement_panel.hpp"
#include "views/properties_panel.hpp"
#include "views/search_panel.hpp"
#include "views/tensor_elements.hpp"
#include "views/tensor_panel.hpp"
#include "views/vela_panel.hpp"

#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QUrl>

#include <algorithm>
#include <memory>

using namespace pteron;

namespace {

constexpr int kLayoutTimeoutMs = 60000;

QString fixture(const char* relative) {
    return QString::fromStdString(testing::fixture(relative));
}

QString madeFile(const char* name) {
    std::filesystem::create_directories(testing::madeDir());
    return QString::fromStdString((testing::madeDir() / name).string());
}

bool waitForLayout(GraphPanel* panel) {
    return panel &&
           QTest::qWaitFor([panel] { return !panel->isLayoutRunning(); }, kLayoutTimeoutMs);
}

// Index of the first node of `graph` whose op is `op`.
std::optional<std::size_t> nodeWithOp(const Graph& graph, std::string_view op) {
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
        if (graph.nodes[i].op == op) return i;
    return std::nullopt;
}

bool readerExistsFor(const std::string& path) {
    const auto file = MappedFile::open(path);
    return FormatRegistry::standard().detect(file->bytes(), path) != nullptr;
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
    void otherFormatsOpenWhenTheirReaderExists();
    void largeGraphLaysOutWithSimpleItems();
    void decodesEveryViewerElementType();
    void delegateExpandsInPlaceAndOpensWithBreadcrumb();

  private:
    std::unique_ptr<MainWindow> window_;
};

void GuiTest::opensPteFilesInTabs() {
    QSignalSpy opened(window_.get(), &MainWindow::fileOpened);
    QVERIFY(window_->openFile(fixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    QVERIFY(window_->openFile(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    QCOMPARE(window_->tabCount(), 2);
    QCOMPARE(opened.count(), 2);
    QVERIFY(waitForLayout(window_->currentGraph()));
    // The DS-CNN keyword spotter has 16 operators in its forward method.
    QCOMPARE(window_->currentGraph()->scene()->nodeCount(), std::size_t(16));
    QCOMPARE(window_->currentDocument()->model().format, std::string("executorch"));
    // Both files head the recent-files list, newest first.
    const auto recent = QSettings().value("recentFiles").toStringList();
    QVERIFY(recent.size() >= 2);
    QCOMPARE(recent.front(),
             QFileInfo(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")).absoluteFilePath());
    QCOMPARE(recent.at(1),
             QFileInfo(fixture("pte/arm_mv2_ethosu55_128_int8.pte")).absoluteFilePath());
    // Small graphs are laid out by Graphviz dot, with their input and output drawn too.
    QCOMPARE(window_->currentGraph()->layoutEngineName(), QString("graphviz dot"));
}

void GuiTest::selectingANodeFillsEveryPanel() {
    QVERIFY(window_->openFile(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
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
    QCOMPARE(properties->valueOf("arg0"), QString("%106 : int8[1,64,25,5]"));
    QCOMPARE(properties->valueOf("arg1"), QString("%44 : int8[1,3,3,64]"));

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
    QVERIFY(window_->openFile(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
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
    QCOMPARE(search->hits().size(), std::size_t(14));
    search->search("1, 64, 25, 5", SearchField::Shape);
    QCOMPARE(search->hits().size(), std::size_t(13));
    search->search("fp32", SearchField::DType);
    QCOMPARE(search->hits().size(), std::size_t(2)); // quantize in, dequantize out
}

void GuiTest::placementCountsNpuShare() {
    QVERIFY(window_->openFile(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    // MACs from the shapes of the 4 convolutions, 4 depthwise convolutions and the linear layer.
    QCOMPARE(window_->placement()->summaryText(),
             QString("16 operators, 0 on NPU (0.0 %) · %1 MACs, 0.0 % on NPU")
                 .arg(QLocale().toString(2656768)));
    QCOMPARE(window_->placement()->table()->topLevelItemCount(), 2);
}

void GuiTest::ethosUDelegateIsAnNpuNode() {
    QVERIFY(window_->openFile(fixture("pte/arm_mv2_ethosu55_128_int8.pte")));
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
    QVERIFY(window_->openFile(fixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    const auto delegate = nodeWithOp(model.graphs[top], "EthosUBackend");
    QVERIFY(delegate.has_value());
    const auto& children = model.graphs[top].nodes[*delegate].childGraphs;
    if (children.empty()) QSKIP("the Ethos-U command stream decoder is not registered");

    QVERIFY(panel->scene()->nodeItem(*delegate)->hasChildGraph());
    QVERIFY(panel->openChildGraph(*delegate));
    QCOMPARE(panel->currentGraph(), children.front());
    QVERIFY(waitForLayout(panel));
    const auto& child = model.graphs[children.front()];
    QVERIFY(!child.nodes.empty());
    QCOMPARE(panel->scene()->nodeCount(), child.nodes.size());
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
    QVERIFY(window_->openFile(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
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
    QVERIFY(window_->openFile(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
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
    QVERIFY(window_->openFile(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
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
    QVERIFY(!window_->openFile(fixture("pte/cc_corrupt_NOT_A_PTE.pte")));
    QCOMPARE(failed.count(), 1);
    const auto message = failed.front().at(1).toString();
    QVERIFY(message.contains("cc_corrupt_NOT_A_PTE.pte"));
    auto* box = window_->findChild<QMessageBox*>("openErrorDialog");
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QCOMPARE(box->text(), message);
    box->close();
    QCOMPARE(window_->tabCount(), 0);
    QVERIFY(window_->openFile(fixture("pte/et_arduino_add_portable.pte")));
    QCOMPARE(window_->tabCount(), 1);
    QVERIFY(waitForLayout(window_->currentGraph()));
}

void GuiTest::droppedFilesOpen() {
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(fixture("pte/et_arduino_add_portable.pte")),
                  QUrl::fromLocalFile(fixture("pte/cc_multi_method.pte"))});
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
    if (!readerExistsFor(path)) QSKIP("no Vela report reader is registered");
    QVERIFY(window_->openFile(QString::fromStdString(path)));
    const auto& metadata = window_->currentDocument()->model().metadata;
    const auto vela = std::count_if(metadata.begin(), metadata.end(), [](const Attribute& item) {
        return item.name.starts_with("vela.");
    });
    QVERIFY(vela > 0);
    QCOMPARE(window_->vela()->entryCount(), int(vela));
}

void GuiTest::otherFormatsOpenWhenTheirReaderExists() {
    int opened = 0;
    for (const char* folder : {"tosa", "vgf", "tflite"}) {
        const char* extension = folder;
        for (const auto& path : testing::fixturesIn(folder, std::string(".") + extension)) {
            if (!readerExistsFor(path)) continue;
            qInfo("opening %s", path.c_str());
            QVERIFY2(window_->openFile(QString::fromStdString(path)), path.c_str());
            auto* panel = window_->currentGraph();
            QVERIFY(waitForLayout(panel));
            const auto& model = window_->currentDocument()->model();
            QCOMPARE(panel->scene()->nodeCount(), model.graphs[panel->currentGraph()].nodes.size());
            ++opened;
        }
    }
    if (opened == 0) QSKIP("no TOSA, VGF or TFLite reader is registered yet");
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

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("pteron-test");
    QApplication::setApplicationName("pteron-gui-test");
    GuiTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "gui_test.moc"
