// Desktop app graph tests: expanded command streams read in execution order, NPU layers drawn
// as groups, the layered layout keeps terminals and frames, selection brings nodes into view.
#include "adapters/common/partition_label.hpp"
#include "adapters/layout/layered_layout.hpp"
#include "app/gui/main_window.hpp"
#include "core/node_layers.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gui_fixtures.hpp"
#include "views/graph/default_layout.hpp"
#include "views/graph/graph_edges.hpp"
#include "views/graph/graph_layout.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/graph_view.hpp"
#include "views/graph/layered_layout.hpp"
#include "views/graph/node_item.hpp"
#include "views/model_document.hpp"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QGraphicsSimpleTextItem>
#include <QMenu>
#include <QMenuBar>
#include <QTest>
#include <QToolButton>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>

using namespace pteron;
using testing::guiFixture;
using testing::waitForLayout;

namespace {

Model openModel(const char* relative) {
    return FormatRegistry::standard().open(testing::fixture(relative));
}

std::size_t countOp(const Graph& graph, std::string_view op) {
    return std::size_t(std::count_if(graph.nodes.begin(), graph.nodes.end(),
                                     [&](const Node& node) { return node.op == op; }));
}

QRectF boxOf(GraphPanel* panel, std::size_t drawn) {
    return panel->scene()->nodeItem(drawn)->box();
}

// Every data-flow edge of the drawn graph points down the page.
void requireEdgesPointDown(GraphPanel* panel) {
    const auto& graph = panel->displayGraph()->graph;
    for (const auto& edge : graphEdges(graph)) {
        const auto from = boxOf(panel, edge.from);
        const auto to = boxOf(panel, edge.to);
        QVERIFY2(from.center().y() < to.center().y(),
                 qPrintable(QString("%1 -> %2")
                                .arg(QString::fromStdString(graph.nodes[edge.from].op))
                                .arg(QString::fromStdString(graph.nodes[edge.to].op))));
    }
}

bool isBookkeeping(const Node& node) {
    return node.op == "ethosu.DMA" || node.op == "ethosu.DMA_WAIT" ||
           node.op == "ethosu.KERNEL_WAIT" || node.op == "ethosu.STOP";
}

std::size_t graphOfKind(const Model& model, std::string_view kind, std::size_t nth = 0) {
    for (std::size_t g = 0; g < model.graphs.size(); ++g)
        if (model.graphs[g].kind == kind && nth-- == 0) return g;
    qFatal("no graph of kind %s", std::string(kind).c_str());
    return 0;
}

} // namespace

class GuiGraphTest : public QObject {
    Q_OBJECT

  private slots:
    void init() { window_ = std::make_unique<MainWindow>(); }
    void cleanup() { window_.reset(); }

    void expandedVelaStreamFollowsDataFlow();
    void cpuOperatorBetweenDelegatesSitsBetweenThem();
    void npuLayersAreDrawnAsGroups();
    void layeredLayoutKeepsTerminalsFramesAndConstantsNearConsumers();
    void selectionCentresZoomsAndAnchorsZoom();
    void expandedViewOpensOnTheEntryAndFitStaysReadable();
    void terminalLabelsStayInsideTheirPills();
    void placementRowShowsItsPartitionWithItsLabel();
    void escapeMinimapHelpAndExportNames();
    void backAndForwardThroughViews();
    void largeGraphMatchesTheRenderedPicture();

  private:
    GraphPanel* openExpanded(const char* relative, bool layers) {
        if (!window_->openFile(guiFixture(relative))) return nullptr;
        auto* panel = window_->currentGraph();
        if (!waitForLayout(panel)) return nullptr;
        panel->setLayersGrouped(layers);
        panel->setExpandInPlace(true);
        return waitForLayout(panel) ? panel : nullptr;
    }

    std::unique_ptr<MainWindow> window_;
};

// The Vela hello-world: the ethos-u operator's input feeds the first NPU operation that reads
// it, edges run down the page and no DMA, wait or STOP sits in the top row.
void GuiGraphTest::expandedVelaStreamFollowsDataFlow() {
    auto* panel = openExpanded("tflite/paddle_hello_world_int8_vela.tflite", false);
    QVERIFY(panel);
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    const auto& caller = model.graphs[top].nodes.at(0);
    QVERIFY(!caller.childGraphs.empty());
    const auto& stream = model.graphs[caller.childGraphs.front()];
    // The stream's input is the operator's feature-map operand (after the command stream, the
    // read-only data and the two scratch areas), named as in the TFLite graph.
    const auto* ifm = model.graphs[top].value(caller.inputs.at(4).value);
    QVERIFY(ifm);
    QCOMPARE(stream.inputs.size(), std::size_t(1));
    QCOMPARE(stream.value(stream.inputs[0])->name, ifm->name);

    const auto* display = panel->displayGraph();
    const auto& drawn = display->graph;
    QCOMPARE(drawn.nodes.size(), stream.nodes.size() + model.graphs[top].nodes.size() - 1);
    const auto graphInput = drawn.inputs.at(0);
    std::size_t readers = 0;
    for (std::size_t n = 0; n < drawn.nodes.size(); ++n)
        for (const auto& operand : drawn.nodes[n].inputs)
            if (operand.value == graphInput) ++readers;
    // Every NPU operation that reads the stream's input reads the graph input once drawn.
    std::size_t streamReaders = 0;
    for (const auto& node : stream.nodes)
        for (const auto& operand : node.inputs)
            if (operand.value == stream.inputs[0]) ++streamReaders;
    QVERIFY(streamReaders > 0);
    QCOMPARE(readers, streamReaders);
    requireEdgesPointDown(panel);

    double topRow = 1e18;
    for (std::size_t n = 0; n < drawn.nodes.size(); ++n)
        topRow = std::min(topRow, boxOf(panel, n).top());
    std::size_t bookkeeping = 0;
    for (std::size_t n = 1; n < drawn.nodes.size(); ++n) {
        if (!isBookkeeping(drawn.nodes[n])) continue;
        ++bookkeeping;
        QVERIFY2(boxOf(panel, n).top() > topRow + 1, drawn.nodes[n].op.c_str());
    }
    QVERIFY(bookkeeping > 0);
    // STOP ends the stream: nothing is drawn below it but the output it leaves.
    const auto stop = std::find_if(drawn.nodes.begin(), drawn.nodes.end(),
                                   [](const Node& node) { return node.op == "ethosu.STOP"; });
    QVERIFY(stop != drawn.nodes.end());
    const auto stopIndex = std::size_t(stop - drawn.nodes.begin());
    for (std::size_t n = 0; n < drawn.nodes.size(); ++n)
        if (drawn.nodes[n].op.starts_with("ethosu."))
            QVERIFY(boxOf(panel, n).top() <= boxOf(panel, stopIndex).top());
}

// KWT on Himax: a CPU operator runs between two ethos-u operators. Drawn expanded, it sits
// below the first stream and above the second, and everything reads top to bottom.
void GuiGraphTest::cpuOperatorBetweenDelegatesSitsBetweenThem() {
    auto* panel = openExpanded("tflite/himax_kwt1_relu_mfcc_vela.tflite", false);
    QVERIFY(panel);
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    const auto& nodes = model.graphs[top].nodes;
    std::vector<std::size_t> delegates;
    for (std::size_t n = 0; n < nodes.size(); ++n)
        if (!nodes[n].childGraphs.empty()) delegates.push_back(n);
    QVERIFY(delegates.size() >= 2);
    QVERIFY(delegates[1] > delegates[0] + 1);
    const auto cpu = delegates[0] + 1;
    const auto cpuDrawn = panel->drawnIndex(top, cpu);
    QVERIFY(cpuDrawn);
    const auto cpuBox = boxOf(panel, *cpuDrawn);
    const auto first = nodes[delegates[0]].childGraphs.front();
    const auto second = nodes[delegates[1]].childGraphs.front();
    const auto isCompute = [](const std::string& op) {
        return op == "ethosu.CONV" || op == "ethosu.DEPTHWISE" || op == "ethosu.ELEMENTWISE" ||
               op == "ethosu.POOL";
    };
    // The first delegate's first operation that computes sits above the CPU operator.
    std::optional<QRectF> firstCompute;
    for (std::size_t n = 0; n < model.graphs[first].nodes.size() && !firstCompute; ++n)
        if (isCompute(model.graphs[first].nodes[n].op))
            firstCompute = boxOf(panel, *panel->drawnIndex(first, n));
    QVERIFY(firstCompute);
    QVERIFY(firstCompute->bottom() < cpuBox.top());
    // The second delegate starts below the first one's start, and its first computation
    // (which reads what the CPU operator wrote) below the CPU operator.
    bool readerSeen = false;
    for (std::size_t n = 0; n < model.graphs[second].nodes.size(); ++n) {
        const auto drawn = panel->drawnIndex(second, n);
        QVERIFY(drawn);
        const auto box = boxOf(panel, *drawn);
        QVERIFY2(box.top() > firstCompute->bottom(), model.graphs[second].nodes[n].op.c_str());
        if (!readerSeen && isCompute(model.graphs[second].nodes[n].op)) {
            readerSeen = true;
            QVERIFY(box.top() > cpuBox.bottom());
        }
    }
    QVERIFY(readerSeen);
    requireEdgesPointDown(panel);
}

// MobileNetV2's delegate: 984 NPU operations are drawn as its layers, one group per TOSA
// convolution, one for the transpose's 225 moves; a group expands into its operations.
void GuiGraphTest::npuLayersAreDrawnAsGroups() {
    const auto tosa = openModel("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto convolutions = countOp(tosa.graphs.at(0), "tosa.CONV2D");
    const auto depthwise = countOp(tosa.graphs.at(0), "tosa.DEPTHWISE_CONV2D");
    QCOMPARE(countOp(tosa.graphs.at(0), "tosa.TRANSPOSE"), std::size_t(1));

    auto* panel = openExpanded("pte/arm_mv2_ethosu55_128_int8.pte", true);
    QVERIFY(panel);
    QVERIFY(panel->layersGrouped());
    QVERIFY(panel->findChild<QToolButton*>("layersButton")->isChecked());
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    const auto stream = graphOfKind(model, "command-stream");
    const auto layers = nodeLayers(model.graphs[stream]);
    const auto* display = panel->displayGraph();
    std::map<std::string, std::size_t> groups;
    std::size_t transposes = 0;
    std::size_t grouped = 0;
    for (std::size_t d = 0; d < display->graph.nodes.size(); ++d) {
        if (!display->isGroup(d)) continue;
        grouped += display->members[d].size();
        const auto& node = display->graph.nodes[d];
        ++groups[node.op];
        if (node.name.starts_with("TRANSPOSE as 225 moves")) ++transposes;
        // The box shows the group's title inside it.
        QCOMPARE(panel->scene()->nodeItem(d)->hasChildGraph(), true);
    }
    QCOMPARE(groups["ethosu.CONV"], convolutions);
    QCOMPARE(groups["ethosu.DEPTHWISE"], depthwise);
    QCOMPARE(transposes, std::size_t(1));
    std::size_t groupCount = 0;
    for (const auto& [op, count] : groups)
        groupCount += count;
    const auto ungrouped = model.graphs[stream].nodes.size() - grouped;
    QCOMPARE(display->graph.nodes.size(),
             model.graphs[top].nodes.size() - 1 + ungrouped + groupCount);
    QVERIFY(display->graph.nodes.size() < 200);
    // Every layer of more than one operation is one drawn group.
    std::size_t multi = 0;
    for (const auto& layer : layers)
        multi += layer.nodes.size() > 1 ? 1 : 0;
    QCOMPARE(groupCount, multi);
    // A group hands its parts to a reader as one edge: the transpose's 225 moves join the first
    // convolution once, and no two edges run between the same pair of drawn nodes from a group.
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    for (const auto& edge : graphEdges(display->graph))
        if (display->isGroup(edge.from))
            QVERIFY2(pairs.insert({edge.from, edge.to}).second,
                     qPrintable(QString::fromStdString(display->graph.nodes[edge.from].name)));
    std::size_t fromTranspose = 0;
    for (const auto& [from, to] : pairs)
        fromTranspose += display->graph.nodes[from].name.starts_with("TRANSPOSE as 225 moves");
    QCOMPARE(fromTranspose, std::size_t(1));
    // Its edge reads as the whole feature map the moves wrote (the model's 224×224 RGB input
    // in NHWC), not as the 224-byte row the first move wrote.
    QStringList labelTexts;
    for (auto* item : panel->scene()->edgeLabels())
        labelTexts << static_cast<QGraphicsSimpleTextItem*>(item)->text();
    for (std::size_t d = 0; d < display->graph.nodes.size(); ++d) {
        const auto& node = display->graph.nodes[d];
        if (!display->isGroup(d) || !node.name.starts_with("TRANSPOSE as 225 moves")) continue;
        const auto* map = findAttribute(node.attributes, kLayerMapAttribute);
        QVERIFY(map);
        QCOMPARE(std::get<std::string>(map->value), std::string("int8[1,224,224,3]"));
        const auto* part = display->graph.value(node.outputs.front().value);
        QVERIFY(part && part->typeText() != "int8[1,224,224,3]");
        QVERIFY(!labelTexts.contains(QString::fromStdString(part->typeText())));
    }
    QVERIFY(labelTexts.contains("int8[1,224,224,3]"));
    // The delegate's operations sit in the partition `pteron info` calls EthosUBackend#0.
    std::string delegateLabel;
    const auto& topGraph = model.graphs[top];
    for (std::size_t p = 0; p < topGraph.partitions.size(); ++p)
        if (topGraph.partitions[p].backend == "EthosUBackend")
            delegateLabel = partitionLabel(topGraph, p);
    QCOMPARE(delegateLabel, std::string("EthosUBackend#0"));
    for (const auto& node : display->graph.nodes)
        if (node.op.starts_with("ethosu."))
            QCOMPARE(partitionLabel(display->graph, node.partition), delegateLabel);

    // Expanding the first convolution layer draws its operations; its menu folds it back.
    std::size_t conv = 0;
    while (display->graph.nodes[conv].op != "ethosu.CONV" || !display->isGroup(conv))
        ++conv;
    const auto members = display->members[conv];
    const auto before = display->graph.nodes.size();
    panel->toggleExpanded(conv);
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->displayGraph()->graph.nodes.size(), before - 1 + members.size());
    const auto member = panel->drawnIndex(members.front().graph, members.front().node);
    QVERIFY(member);
    QVERIFY(!panel->displayGraph()->isGroup(*member));
    std::unique_ptr<QMenu> menu(panel->nodeMenu(*member));
    QCOMPARE(menu->actions().front()->text(), QString("Collapse layer"));
    menu->actions().front()->trigger();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->displayGraph()->graph.nodes.size(), before);

    // Without layers every operation is drawn.
    panel->findChild<QToolButton*>("layersButton")->click();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->displayGraph()->graph.nodes.size(),
             model.graphs[top].nodes.size() - 1 + model.graphs[stream].nodes.size());
}

void GuiGraphTest::layeredLayoutKeepsTerminalsFramesAndConstantsNearConsumers() {
    auto* panel = openExpanded("pte/arm_mv2_ethosu55_128_int8.pte", false);
    QVERIFY(panel);
    const auto& drawn = panel->displayGraph()->graph;
    QVERIFY(drawn.nodes.size() > 900);
    QCOMPARE(panel->layoutEngineName(), QString("layered"));
    const auto layout = layeredLayout(drawn, {}, nullptr);
    QCOMPARE(layout.terminals.size(), drawn.inputs.size() + drawn.outputs.size());
    // Inputs on top of everything, outputs below their producers.
    double topNode = 1e18;
    double bottomNode = -1e18;
    for (const auto& box : layout.nodes) {
        topNode = std::min(topNode, box.top());
        bottomNode = std::max(bottomNode, box.bottom());
    }
    std::size_t inputEdges = 0;
    for (const auto& terminal : layout.terminals) {
        if (terminal.input) QVERIFY(terminal.box.bottom() < topNode);
    }
    for (const auto& edge : layout.edges)
        inputEdges += edge.edge.from == kNoNode ? 1 : 0;
    QVERIFY(inputEdges >= drawn.inputs.size());
    // The NPU partition keeps its frame around all of its operations.
    bool framed = false;
    for (const auto& cluster : layout.clusters) {
        const auto& partition = drawn.partitions.at(cluster.partition);
        if (partition.device != DeviceClass::NPU) continue;
        framed = true;
        for (std::size_t n = 0; n < drawn.nodes.size(); ++n)
            if (drawn.nodes[n].partition == cluster.partition)
                QVERIFY(cluster.box.contains(layout.nodes[n]));
    }
    QVERIFY(framed);

    // TOSA constants sit beside their first consumer, not in the top rows.
    const auto tosa = openModel("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto& graph = tosa.graphs.at(0);
    const auto tosaLayout = layeredLayout(graph, {}, nullptr);
    QVERIFY(tosaLayout.terminals.size() == graph.inputs.size() + graph.outputs.size());
    const auto edges = graphEdges(graph);
    std::size_t constants = 0;
    std::size_t sameRow = 0;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        if (!graph.nodes[n].inputs.empty()) continue;
        std::size_t consumer = kNoNode;
        for (const auto& edge : edges)
            if (edge.from == n) consumer = std::min(consumer, edge.to);
        if (consumer == kNoNode) continue;
        ++constants;
        const auto apart =
            std::abs(tosaLayout.nodes[consumer].center().y() - tosaLayout.nodes[n].center().y());
        // The same row, or the next one where a wide row wraps.
        QVERIFY2(apart < 100, graph.nodes[n].op.c_str());
        sameRow += apart < 1 ? 1 : 0;
    }
    QVERIFY(sameRow * 10 > constants * 9);
    QVERIFY(constants > 50);
}

void GuiGraphTest::selectionCentresZoomsAndAnchorsZoom() {
    window_->resize(1200, 800);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    auto* panel = openExpanded("pte/arm_mv2_ethosu55_128_int8.pte", false);
    QVERIFY(panel);
    auto* view = panel->view();
    view->setTransform(QTransform::fromScale(0.05, 0.05));
    const auto& model = window_->currentDocument()->model();
    const auto stream = graphOfKind(model, "command-stream");
    // A node far down the stream, chosen the way search or the model tree would.
    const std::size_t target = 700;
    window_->currentDocument()->selection().select({SelectionTarget::Kind::Node, stream, target});
    const auto drawn = panel->drawnIndex(stream, target);
    QVERIFY(drawn);
    auto* item = panel->scene()->nodeItem(*drawn);
    QVERIFY(item->isSelected());
    QVERIFY(view->currentScale() >= GraphView::kFocusScale - 1e-9);
    const auto visible = view->mapToScene(view->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(item->box()));
    QVERIFY(std::abs(visible.center().x() - item->box().center().x()) < 30);
    QVERIFY(std::abs(visible.center().y() - item->box().center().y()) < 30);
    // Zooming keeps the selection where it is on screen.
    const auto before = view->mapFromScene(item->box().center());
    view->zoomBy(1.25);
    QVERIFY((view->mapFromScene(item->box().center()) - before).manhattanLength() <= 2);
    view->zoomBy(0.8);
    view->zoomBy(0.8);
    QVERIFY((view->mapFromScene(item->box().center()) - before).manhattanLength() <= 2);
}

void GuiGraphTest::expandedViewOpensOnTheEntryAndFitStaysReadable() {
    window_->resize(1200, 800);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    auto* panel = openExpanded("pte/arm_mv2_ethosu55_128_int8.pte", false);
    QVERIFY(panel);
    auto* view = panel->view();
    const auto visible = view->mapToScene(view->viewport()->rect()).boundingRect();
    // The graph's first node (the input's quantize) is in view, at a readable scale.
    const auto first = boxOf(panel, 0);
    QVERIFY(visible.contains(first));
    QVERIFY(view->currentScale() >= GraphView::kMinReadableScale);
    panel->findChild<QToolButton*>("fitButton")->click();
    QVERIFY(view->currentScale() >= GraphView::kMinReadableScale - 1e-9);
    const auto fitted = view->mapToScene(view->viewport()->rect()).boundingRect();
    QVERIFY(fitted.intersects(first));
}

// Long input and output names are elided inside their markers with either layout engine.
void GuiGraphTest::terminalLabelsStayInsideTheirPills() {
    Model model;
    Graph graph;
    graph.id = "main";
    graph.kind = "graph";
    const auto cpu = graph.hostPartition("tflite");
    Value value;
    value.dtype = DType::Int8;
    value.hasShape = true;
    value.shape = {1, 98, 40, 1, 1, 1, 7, 3};
    value.name = "serving_default_a_rather_long_input_name_that_goes_on_and_on:0";
    const auto in = std::int64_t(graph.addValue(value));
    value.name = "StatefulPartitionedCall/sequential/an_equally_long_output_name:0";
    const auto out = std::int64_t(graph.addValue(value));
    graph.inputs = {in};
    graph.outputs = {out};
    Node node;
    node.op = "tflite.RELU";
    node.partition = cpu;
    node.inputs.push_back({in, {}});
    node.outputs.push_back({out, {}});
    graph.nodes.push_back(node);
    model.addGraph(std::move(graph));
    auto shared = std::make_shared<const Model>(std::move(model));
    for (const bool layered : {false, true}) {
        ModelDocument document(shared, "long names");
        auto engine = layered ? LayoutEngine(layeredLayout) : defaultLayoutEngine();
        GraphPanel panel(document, engine);
        QVERIFY(waitForLayout(&panel));
        const auto& labels = panel.scene()->terminalLabels();
        QCOMPARE(labels.size(), std::size_t(2));
        for (const auto& [box, label] : labels)
            QVERIFY2(box.adjusted(-0.5, -0.5, 0.5, 0.5).contains(label->sceneBoundingRect()),
                     layered ? "layered" : "dot");
    }
}

// A placement row selects its partition: an expanded delegate's operations light up and come
// into view, and the tree and frames call the partition by its command-line label.
void GuiGraphTest::placementRowShowsItsPartitionWithItsLabel() {
    window_->resize(1200, 800);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    auto* panel = openExpanded("pte/arm_mv2_ethosu55_128_int8.pte", true);
    QVERIFY(panel);
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    std::size_t npu = 0;
    while (!model.graphs[top].partitions.at(npu).delegated)
        ++npu;
    window_->currentDocument()->selection().select({SelectionTarget::Kind::Partition, top, npu});
    const auto visible =
        panel->view()->mapToScene(panel->view()->viewport()->rect()).boundingRect();
    std::size_t lit = 0;
    std::size_t shown = 0;
    const auto stream = model.graphs[top].partitions[npu].childGraph.value();
    for (std::size_t d = 0; d < panel->displayGraph()->graph.nodes.size(); ++d) {
        auto* item = panel->scene()->nodeItem(d);
        const bool placed = panel->displayGraph()->origin[d].graph == stream;
        QCOMPARE(item->isSelected(), placed);
        lit += placed ? 1 : 0;
        shown += placed && visible.intersects(item->box()) ? 1 : 0;
    }
    QVERIFY(lit > 50);
    QVERIFY(shown > 0);
    QVERIFY(panel->view()->currentScale() >= GraphView::kFocusScale - 1e-9);
    // The delegate collapsed shows its partition label, as `pteron info` prints it.
    panel->setExpandInPlace(false);
    QVERIFY(waitForLayout(panel));
    std::size_t delegate = 0;
    while (model.graphs[top].nodes[delegate].childGraphs.empty())
        ++delegate;
    const auto drawn = panel->drawnIndex(top, delegate);
    QVERIFY(drawn);
    QCOMPARE(QString::fromStdString(nodeTitleText(panel->displayGraph()->graph.nodes[*drawn])),
             QString("EthosUBackend#0"));
}

void GuiGraphTest::escapeMinimapHelpAndExportNames() {
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto& model = window_->currentDocument()->model();
    window_->currentDocument()->selection().select(
        {SelectionTarget::Kind::Node, panel->currentGraph(), 0});
    QVERIFY(panel->scene()->nodeItem(0)->isSelected());
    auto* clear = window_->findChild<QAction*>("clearSelectionAction");
    QVERIFY(clear);
    QCOMPARE(clear->shortcut(), QKeySequence(Qt::Key_Escape));
    clear->trigger();
    QCOMPARE(window_->currentDocument()->selection().current().kind, SelectionTarget::Kind::None);
    QVERIFY(panel->scene()->selectedItems().isEmpty());
    // The minimap can be switched off.
    auto* minimap = window_->findChild<QAction*>("minimapAction");
    QVERIFY(minimap);
    panel->view()->setTransform(QTransform::fromScale(2, 2));
    panel->view()->zoomBy(1.0);
    minimap->setChecked(false);
    QVERIFY(!panel->view()->isMinimapShown());
    minimap->setChecked(true);
    // Help lists the shortcuts.
    QStringList menus;
    for (auto* action : window_->menuBar()->actions())
        menus << action->text();
    QVERIFY(menus.contains("&Help"));
    // Exports are proposed beside the model, under its name.
    const QFileInfo file(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte"));
    QCOMPARE(window_->proposedExportPath("svg"),
             file.absoluteDir().filePath("arm_mv2_ethosu55_128_int8.svg"));
    QCOMPARE(window_->proposedExportPath("json"),
             file.absoluteDir().filePath("arm_mv2_ethosu55_128_int8.json"));
    QVERIFY(!model.graphs.empty());
}

// Back and forward step through opened child graphs and expansions, by menu and shortcut.
void GuiGraphTest::backAndForwardThroughViews() {
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    const auto& model = window_->currentDocument()->model();
    const auto top = panel->currentGraph();
    std::size_t delegate = 0;
    while (model.graphs[top].nodes[delegate].childGraphs.empty())
        ++delegate;
    const auto child = model.graphs[top].nodes[delegate].childGraphs.front();
    QVERIFY(!panel->goBack()); // nothing before the first view
    panel->setExpandInPlace(true);
    QVERIFY(waitForLayout(panel));
    QVERIFY(panel->expandedChild(delegate));
    QVERIFY(panel->goBack());
    QVERIFY(waitForLayout(panel));
    QVERIFY(!panel->expandedChild(delegate));
    QVERIFY(!panel->findChild<QToolButton*>("expandButton")->isChecked());
    QVERIFY(panel->goForward());
    QVERIFY(waitForLayout(panel));
    QVERIFY(panel->expandedChild(delegate));
    QVERIFY(panel->findChild<QToolButton*>("expandButton")->isChecked());
    // Opening the child graph, then Alt+Left and Alt+Right.
    panel->showGraph(child);
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->currentGraph(), child);
    auto* back = window_->findChild<QAction*>("backAction");
    auto* forward = window_->findChild<QAction*>("forwardAction");
    QVERIFY(back && forward);
    QVERIFY(back->shortcuts().contains(QKeySequence(Qt::ALT | Qt::Key_Left)));
    QVERIFY(back->shortcuts().contains(QKeySequence(Qt::Key_Backspace)));
    QCOMPARE(forward->shortcut(), QKeySequence(Qt::ALT | Qt::Key_Right));
    back->trigger();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->currentGraph(), top);
    QVERIFY(panel->expandedChild(delegate)); // as it was left
    forward->trigger();
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->currentGraph(), child);
    QVERIFY(!panel->goForward());
    // The mouse's back button.
    QTest::mouseClick(panel->view()->viewport(), Qt::BackButton);
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->currentGraph(), top);
}

// A graph above the dot limit is drawn by the layered layout `pteron render` uses: every
// operation sits in the same row, and each row holds the same operations in the same order.
void GuiGraphTest::largeGraphMatchesTheRenderedPicture() {
    QVERIFY(window_->openFile(guiFixture("pte/arm_mv2_ethosu55_128_int8.pte")));
    auto* panel = window_->currentGraph();
    QVERIFY(waitForLayout(panel));
    panel->setLayersGrouped(false);
    QVERIFY(waitForLayout(panel));
    const auto& model = window_->currentDocument()->model();
    const auto* stream = model.findGraph("forward/EthosUBackend#0");
    QVERIFY(stream);
    QVERIFY(stream->nodes.size() > kDotNodeLimit);
    panel->showGraph(std::size_t(stream - model.graphs.data()));
    QVERIFY(waitForLayout(panel));
    QCOMPARE(panel->layoutEngineName(), QString("layered"));
    QCOMPARE(panel->displayGraph()->graph.nodes.size(), stream->nodes.size());

    const auto rendered = layeredGraphLayout(*stream, estimatedSizes(*stream), false, nullptr);
    std::map<long, std::vector<std::pair<double, std::size_t>>> appRows;
    std::map<long, std::vector<std::pair<double, std::size_t>>> renderRows;
    const auto top = boxOf(panel, 0).top() - (rendered.nodes[stream->inputs.size()].center.y -
                                              rendered.nodes[stream->inputs.size()].height / 2);
    for (const auto& placed : rendered.nodes) {
        if (placed.kind != LayoutNodeKind::Operation) continue;
        const auto box = boxOf(panel, placed.index);
        QCOMPARE(box.height(), placed.height);
        QVERIFY(std::abs(box.center().y() - top - placed.center.y) < 0.5);
        appRows[std::lround(placed.center.y)].emplace_back(box.center().x(), placed.index);
        renderRows[std::lround(placed.center.y)].emplace_back(placed.center.x, placed.index);
    }
    for (auto& [row, entries] : appRows) {
        auto& other = renderRows[row];
        std::sort(entries.begin(), entries.end());
        std::sort(other.begin(), other.end());
        QCOMPARE(entries.size(), other.size());
        for (std::size_t k = 0; k < entries.size(); ++k)
            QCOMPARE(entries[k].second, other[k].second);
    }
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("pteron-test");
    QApplication::setApplicationName("pteron-gui-graph-test");
    GuiGraphTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "gui_graph_test.moc"
