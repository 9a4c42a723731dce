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
#include "views/panels/properties_panel.hpp"

#include <QApplication>
#include <QRegularExpression>
#include <QTest>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>

#include <algorithm>
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
    void operatorBoxesShowWeightAndBiasShapes();
    void tooltipsGiveTheKeyFacts();
    void cortexMArgumentsReadByTheirSchemaNames();

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

// Every CONV2D of the MobileNetV2 TOSA shows the shapes of its "weight" and "bias" operands
// as the file holds them, whole and inside its box.
void GuiNodeDetailTest::operatorBoxesShowWeightAndBiasShapes() {
    auto* panel = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    QVERIFY(panel);
    const auto& graph = panel->displayGraph()->graph;
    const auto shapeOf = [&](const Node& node, const char* role) {
        for (const auto& operand : node.inputs)
            if (operand.name == role) {
                QStringList dims;
                for (const auto dim : graph.value(operand.value)->shape)
                    dims << QString::number(dim);
                return dims.join(QString::fromUtf8("×"));
            }
        return QString();
    };
    std::size_t convolutions = 0;
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto& node = graph.nodes[i];
        if (node.op != "tosa.CONV2D") continue;
        ++convolutions;
        const auto* item = panel->scene()->nodeItem(i);
        const auto weight = shapeOf(node, "weight");
        const auto bias = shapeOf(node, "bias");
        QVERIFY(!weight.isEmpty() && !bias.isEmpty());
        const auto expected = QString::fromUtf8("W ⟨%1⟩  B ⟨%2⟩").arg(weight, bias);
        QCOMPARE(item->weightsText(), expected);
        QCOMPARE(item->drawnWeightsText(), expected);
        QVERIFY2(item->box().contains(item->weightsTextRect()), qPrintable(expected));
    }
    // MobileNetV2: the stem, the 1×1 expansions and projections and the final 1×1 layer.
    QVERIFY(convolutions > 30);
    // The stem: 32 filters of 3×3 over the 3 input channels, OHWI, one bias per filter.
    const auto first = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                                    [](const Node& node) { return node.op == "tosa.CONV2D"; });
    QCOMPARE(panel->scene()->nodeItem(std::size_t(first - graph.nodes.begin()))->weightsText(),
             QString::fromUtf8("W ⟨32×3×3×3⟩  B ⟨32⟩"));
}

// A node's tooltip names its op, name, placement and operand types; a convolution's also its
// MACs, counted here as output elements times the weight elements per output channel.
void GuiNodeDetailTest::tooltipsGiveTheKeyFacts() {
    const auto requireFacts = [](const Graph& graph, const Node& node, const QString& tip) {
        QVERIFY2(tip.contains(QString::fromStdString(node.op)), qPrintable(tip));
        if (!node.name.empty()) QVERIFY(tip.contains(QString::fromStdString(node.name)));
        for (const auto* operands : {&node.inputs, &node.outputs})
            for (const auto& operand : *operands)
                if (const auto* value = graph.value(operand.value))
                    QVERIFY2(tip.contains(QString::fromStdString(value->typeText())),
                             qPrintable(tip));
    };

    // The Ethos-U delegate call of the MobileNetV2 program, labelled with its partition.
    auto* panel = open("pte/arm_mv2_ethosu55_128_int8.pte");
    QVERIFY(panel);
    const auto& program = panel->displayGraph()->graph;
    const auto delegate = std::find_if(program.nodes.begin(), program.nodes.end(),
                                       [](const Node& node) { return !node.childGraphs.empty(); });
    QVERIFY(delegate != program.nodes.end());
    const auto delegateTip =
        panel->scene()->nodeItem(std::size_t(delegate - program.nodes.begin()))->toolTip();
    QVERIFY2(delegateTip.contains("EthosUBackend#0"), qPrintable(delegateTip));
    QVERIFY(delegateTip.contains("NPU"));
    requireFacts(program, *delegate, delegateTip);

    // The TOSA stem convolution: [1,112,112,32] outputs of 3·3·3 products each.
    panel = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    QVERIFY(panel);
    const auto& graph = panel->displayGraph()->graph;
    const auto conv = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                                   [](const Node& node) { return node.op == "tosa.CONV2D"; });
    QVERIFY(conv != graph.nodes.end());
    const auto tip = panel->scene()->nodeItem(std::size_t(conv - graph.nodes.begin()))->toolTip();
    requireFacts(graph, *conv, tip);
    const auto& weight = graph.value(conv->inputs.at(1).value)->shape;
    const auto& output = graph.value(conv->outputs.at(0).value)->shape;
    QCOMPARE(output, (std::vector<std::int64_t>{1, 112, 112, 32}));
    std::int64_t outputs = 1;
    for (const auto dim : output)
        outputs *= dim;
    std::int64_t perChannel = 1;
    for (std::size_t d = 1; d < weight.size(); ++d)
        perChannel *= weight[d];
    QCOMPARE(outputs * perChannel, std::int64_t(10'838'016));
    QVERIFY2(tip.contains("MACs: 10,838,016"), qPrintable(tip));
    QVERIFY(tip.contains(QString::fromUtf8("W ⟨32×3×3×3⟩")));
}

// The KWS program's Cortex-M convolution: the properties panel names every argument as
// ExecuTorch's backends/cortex_m/ops/operators.yaml declares quantized_conv2d, none as "argN".
void GuiNodeDetailTest::cortexMArgumentsReadByTheirSchemaNames() {
    auto* panel = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    QVERIFY(panel);
    const auto& graph = panel->displayGraph()->graph;
    const auto conv = std::find_if(graph.nodes.begin(), graph.nodes.end(), [](const Node& node) {
        return node.op == "cortex_m::quantized_conv2d.out";
    });
    QVERIFY(conv != graph.nodes.end());
    const auto drawn = std::size_t(conv - graph.nodes.begin());
    panel->scene()->nodeItem(drawn)->setSelected(true);
    auto* properties = window_->properties();
    QCOMPARE(properties->valueOf("operator"), QString("cortex_m::quantized_conv2d.out"));

    QStringList keys;
    for (QTreeWidgetItemIterator it(properties->tree()); *it; ++it)
        if ((*it)->parent() && !(*it)->parent()->parent()) keys << (*it)->text(0);
    const QRegularExpression positional("^arg\\d+");
    for (const auto& key : keys)
        QVERIFY2(!positional.match(key).hasMatch(), qPrintable(keys.join(", ")));
    for (const auto* name : {"input", "weight", "bias", "stride", "padding", "dilation",
                             "input_offset", "output_offset", "requantize_multipliers",
                             "requantize_shifts", "activation_min", "activation_max", "scratch"})
        QVERIFY2(keys.contains(name), qPrintable(QString(name) + " not in " + keys.join(", ")));
    // The operands keep their values: the input and weight are the node's first two inputs.
    const auto* weight = graph.value(conv->inputs.at(1).value);
    QCOMPARE(properties->valueOf("weight"),
             QString::fromStdString(weight->name + " : " + weight->typeText()));
    // The tooltip names them the same way.
    const auto tip = panel->scene()->nodeItem(drawn)->toolTip();
    QVERIFY2(tip.contains("weight: ") && tip.contains("requantize_multipliers: ") &&
                 !tip.contains("arg1:"),
             qPrintable(tip));
}

QTEST_MAIN(GuiNodeDetailTest)
#include "gui_node_detail_test.moc"
