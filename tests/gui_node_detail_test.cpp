// Desktop app node detail: NPU operations coloured by kind within their backend's hue, weight
// and bias shapes on operator boxes, schema names of custom-op arguments, node tooltips and
// NPU weight streams shown as encoded streams.
#include "app/gui/main_window.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gui_fixtures.hpp"
#include "views/graph/backend_colors.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/legend_bar.hpp"
#include "views/graph/node_item.hpp"
#include "views/graph/node_placement.hpp"
#include "views/model_document.hpp"
#include "views/panels/properties_panel.hpp"
#include "views/tensor/tensor_panel.hpp"

#include <QAbstractItemModel>
#include <QApplication>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>

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
    void npuWeightStreamsAreNotShownAsTensors();

  private:
    GraphPanel* open(const char* relative) {
        if (!window_->openFile(guiFixture(relative))) return nullptr;
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

// The weight and scale streams of the MobileNetV2 delegate's first NPU convolution: the tensor
// panel says what they are, with their size and the convolution's output channels, and shows
// no elements.
void GuiNodeDetailTest::npuWeightStreamsAreNotShownAsTensors() {
    QVERIFY(open("pte/arm_mv2_ethosu55_128_int8.pte"));
    auto* document = window_->currentDocument();
    const auto& model = document->model();
    std::optional<std::pair<std::size_t, const Node*>> conv;
    for (std::size_t g = 0; g < model.graphs.size() && !conv; ++g)
        for (const auto& node : model.graphs[g].nodes)
            if (node.op == "ethosu.CONV") {
                conv = std::pair{g, &node};
                break;
            }
    QVERIFY(conv);
    const auto& graph = model.graphs[conv->first];
    const auto& node = *conv->second;
    const auto channels = graph.value(node.outputs.at(0).value)->shape.back();
    auto* tensor = window_->tensor();
    const auto english = QLocale(QLocale::English);
    // What the convolution reads a value as: weights, scales or both (Vela packs an operation's
    // weights and scales in one buffer, which one DMA copies).
    const auto portsReading = [&](std::int64_t index) {
        std::set<std::string> ports;
        for (const auto& operand : node.inputs)
            if (operand.value == index) ports.insert(operand.name);
        return ports;
    };
    const auto requireStreamText = [&](std::int64_t index, const std::set<std::string>& ports) {
        const bool weights = ports.count("weights") > 0;
        const auto what = weights && ports.count("scales") ? "weight and scale streams"
                          : weights                        ? "weight stream"
                                                           : "scale stream";
        const auto* value = graph.value(index);
        QVERIFY(value);
        // Bytes in the file, or for a copy in SRAM the length of its one dimension.
        const auto bytes = value->data.empty() ? std::uint64_t(value->shape.at(0))
                                               : std::uint64_t(value->data.size());
        document->selection().select(
            {SelectionTarget::Kind::Value, conv->first, std::size_t(index)});
        const auto info = tensor->infoText();
        const auto size = english.toString(qulonglong(bytes)) + " bytes";
        QVERIFY2(info.contains(QString("Ethos-U %1: encoded, %2").arg(what, size)),
                 qPrintable(info));
        QVERIFY2(info.contains(QString("%1 output channels").arg(channels)), qPrintable(info));
        QVERIFY(!info.contains("min "));
        QCOMPARE(tensor->findChild<QTableView*>()->model()->rowCount(), 0);
        QVERIFY(!tensor->findChild<QPushButton*>("saveNpyButton")->isEnabled());
        // A scale stream holds one 10-byte record per output channel.
        if (ports.count("scales")) QVERIFY(bytes >= std::uint64_t(channels) * 10);
    };
    std::size_t streams = 0;
    std::size_t copied = 0;
    for (const auto& operand : node.inputs) {
        if (operand.name != "weights" && operand.name != "scales") continue;
        ++streams;
        const auto ports = portsReading(operand.value);
        requireStreamText(operand.value, ports);
        if (QTest::currentTestFailed()) return;
        // Where a DMA brought the stream to SRAM, its source in the file reads the same.
        for (const auto& dma : graph.nodes) {
            if (dma.op != "ethosu.DMA" || dma.outputs.empty() ||
                dma.outputs[0].value != operand.value)
                continue;
            for (const auto& source : dma.inputs)
                if (source.name == "source") {
                    QVERIFY(!graph.value(source.value)->data.empty());
                    requireStreamText(source.value, ports);
                    if (QTest::currentTestFailed()) return;
                    ++copied;
                }
        }
    }
    QVERIFY(copied > 0);
    QCOMPARE(streams, std::size_t(2));
}

QTEST_MAIN(GuiNodeDetailTest)
#include "gui_node_detail_test.moc"
