// Desktop app figures and panels: the numbers the app shows agree with `pteron info --json`,
// counts read as words, and the properties panel's text can be read and copied.
#include "adapters/common/partition_label.hpp"
#include "app/cli/info_command.hpp"
#include "app/gui/main_window.hpp"
#include "core/quantity_text.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gui_fixtures.hpp"
#include "views/model_document.hpp"
#include "views/panels/model_tree_model.hpp"
#include "views/panels/model_tree_panel.hpp"
#include "views/panels/placement_panel.hpp"
#include "views/panels/properties_panel.hpp"
#include "views/tensor/tensor_panel.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFontMetrics>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

using namespace pteron;
using testing::guiFixture;

namespace {

const char* const kFigureFixtures[] = {
    "pte/arm_mv2_ethosu55_128_int8.pte",
    "pte/cc_linear_xnnpack_int8.pte",
    "pte/et_arduino_kws_dscnn_cortexm_int8.pte",
    "tflite/paddle_hello_world_int8_vela.tflite",
    "tflite/himax_kwt1_relu_mfcc_vela.tflite",
    "tosa/arm_mv2_ethosu55_tag1.tosa",
    "vgf/arm_mobilenet_v2_int8.vgf",
};

// What the command line prints for `pteron info --json FILE`.
nlohmann::json infoJson(const char* relative) {
    const std::vector<std::string> args{"--json", testing::fixture(relative)};
    std::ostringstream out;
    if (runInfoCommand(args, out) != 0) return {};
    return nlohmann::json::parse(out.str());
}

QString percent(double share) {
    return QString("%1 %").arg(share * 100.0, 0, 'f', 1);
}

} // namespace

class GuiFiguresTest : public QObject {
    Q_OBJECT

  private slots:
    void init() { window_ = std::make_unique<MainWindow>(); }
    void cleanup() { window_.reset(); }

    void placementFiguresAgreeWithInfo();
    void modelTreeListsThePartitionsInfoLists();
    void partitionPropertiesAgreeWithInfo();
    void countsReadAsWords();
    void propertiesElideSizeKeysAndCopy();

  private:
    std::unique_ptr<MainWindow> window_;
};

// The summary line and every row of the placement panel carry the figures info prints.
void GuiFiguresTest::placementFiguresAgreeWithInfo() {
    for (const auto* file : kFigureFixtures) {
        QVERIFY2(window_->openFile(guiFixture(file)), file);
        const auto info = infoJson(file);
        QVERIFY2(info.contains("placement"), file);
        const auto& placement = info["placement"];
        const auto summary = window_->placement()->summaryText();
        QVERIFY2(summary.startsWith(QString("%1 operators, %2 on NPU (%3)")
                                        .arg(placement["operators"].get<std::size_t>())
                                        .arg(placement["npu_operators"].get<std::size_t>())
                                        .arg(percent(placement["npu_share"].get<double>()))),
                 qPrintable(QString(file) + ": " + summary));
        auto* table = window_->placement()->table();
        QCOMPARE(std::size_t(table->topLevelItemCount()), placement["rows"].size());
        for (int i = 0; i < table->topLevelItemCount(); ++i) {
            const auto* item = table->topLevelItem(i);
            const auto& row = placement["rows"][std::size_t(i)];
            QCOMPARE(item->text(0), QString::fromStdString(row["graph"].get<std::string>()));
            QCOMPARE(item->text(1), QString::fromStdString(row["backend"].get<std::string>()));
            QCOMPARE(item->text(2), QString::fromStdString(row["device"].get<std::string>()));
            QCOMPARE(item->text(3), QString::number(row["operators"].get<std::size_t>()));
            QCOMPARE(item->text(4), percent(row["share"].get<double>()));
            const auto calls = row["calls"].get<std::size_t>();
            QCOMPARE(item->text(6), calls ? QString::number(calls) : QString());
            // A delegate row counts the operators its calls run, never "0 operators".
            if (calls) QVERIFY2(row["operators"].get<std::size_t>() > 0, file);
        }
    }
}

// No partition row the command line leaves out (an empty host partition), none missing.
void GuiFiguresTest::modelTreeListsThePartitionsInfoLists() {
    for (const auto* file : kFigureFixtures) {
        QVERIFY2(window_->openFile(guiFixture(file)), file);
        const auto info = infoJson(file);
        std::map<std::string, std::multiset<std::size_t>> expected; // graph -> node counts
        for (const auto& partition : info["partitions"])
            expected[partition["graph"].get<std::string>()].insert(
                partition["node_count"].get<std::size_t>());
        auto* model = qobject_cast<ModelTreeModel*>(window_->tree()->tree()->model());
        QVERIFY(model);
        const auto& graphs = window_->currentDocument()->model().graphs;
        std::map<std::string, std::multiset<std::size_t>> shown;
        std::vector<QModelIndex> pending{QModelIndex()};
        while (!pending.empty()) {
            const auto parent = pending.back();
            pending.pop_back();
            for (int r = 0; r < model->rowCount(parent); ++r) {
                const auto index = model->index(r, 0, parent);
                const auto target = model->targetAt(index);
                if (target.kind == SelectionTarget::Kind::Graph) {
                    pending.push_back(index);
                    continue;
                }
                if (target.kind != SelectionTarget::Kind::Partition) continue;
                shown[graphs[target.graph].id].insert(std::size_t(model->rowCount(index)));
            }
        }
        QVERIFY2(shown == expected, file);
    }
}

// A partition's properties count its calls and operators as info does: a delegate call runs
// the operators of its decoded payload.
void GuiFiguresTest::partitionPropertiesAgreeWithInfo() {
    for (const auto* file : kFigureFixtures) {
        QVERIFY2(window_->openFile(guiFixture(file)), file);
        const auto info = infoJson(file);
        const auto& model = window_->currentDocument()->model();
        std::size_t checked = 0;
        for (const auto& partition : info["partitions"]) {
            const auto* graph = model.findGraph(partition["graph"].get<std::string>());
            QVERIFY(graph);
            const auto g = std::size_t(graph - model.graphs.data());
            for (std::size_t p = 0; p < graph->partitions.size(); ++p) {
                // A decoded payload's own partition carries its caller's label ("same_as").
                const bool same =
                    partition.contains("same_as")
                        ? graph->partitions[p].delegated &&
                              graph->partitions[p].backend ==
                                  partition["backend"].get<std::string>()
                        : partitionLabel(*graph, p) == partition["id"].get<std::string>();
                if (!same) continue;
                window_->currentDocument()->selection().select(
                    {SelectionTarget::Kind::Partition, g, p});
                auto* properties = window_->properties();
                QCOMPARE(properties->valueOf("operators"),
                         QString::number(partition["operators"].get<std::size_t>()));
                const auto calls = partition["calls"].get<std::size_t>();
                QCOMPARE(properties->valueOf("calls"), calls ? QString::number(calls) : QString());
                ++checked;
                break;
            }
        }
        QVERIFY2(checked == info["partitions"].size(), file);
    }
    // The MobileNetV2 Ethos-U delegate: one call running its 984 NPU operations.
    const auto info = infoJson("pte/arm_mv2_ethosu55_128_int8.pte");
    QCOMPARE(info["partitions"][0]["calls"].get<std::size_t>(), std::size_t(1));
    QCOMPARE(info["partitions"][0]["operators"].get<std::size_t>(), std::size_t(984));
}

// One element reads "1 element"; a constant's bytes are the tensor's, what the file stores
// beside them when that is more.
void GuiFiguresTest::countsReadAsWords() {
    QCOMPARE(countText(1, "byte"), std::string("1 byte"));
    QCOMPARE(countText(0, "element"), std::string("0 elements"));
    QCOMPARE(countText(32, "byte"), std::string("32 bytes"));
    QVERIFY(window_->openFile(guiFixture("tosa/arm_mv2_ethosu55_tag1.tosa")));
    const auto& graph = window_->currentDocument()->model().graphs.front();
    std::optional<std::int64_t> single;
    for (std::size_t v = 0; v < graph.values.size() && !single; ++v)
        if (!graph.values[v].data.empty() && graph.values[v].elementCount() == 1 &&
            graph.values[v].dtype == DType::Int8)
            single = std::int64_t(v);
    QVERIFY(single);
    const auto& value = graph.values[std::size_t(*single)];
    window_->currentDocument()->selection().select(
        {SelectionTarget::Kind::Value, 0, std::uint64_t(*single)});
    const auto text = window_->tensor()->infoText();
    QVERIFY2(text.contains("1 element · 1 byte"), qPrintable(text));
    QVERIFY2(!text.contains("1 elements") && !text.contains("1 bytes"), qPrintable(text));
    if (value.data.size() > 1)
        QVERIFY2(text.contains(QString("(%1 bytes stored)").arg(value.data.size())),
                 qPrintable(text));
    const auto constant = window_->properties()->valueOf("constant");
    QVERIFY2(!constant.contains("1 bytes"), qPrintable(constant));
}

// Keys take their width up to a share of the panel, every cut text has its tooltip, and the
// copy actions put the value, key=value and the whole node as JSON on the clipboard.
void GuiFiguresTest::propertiesElideSizeKeysAndCopy() {
    QVERIFY(window_->openFile(guiFixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte")));
    auto* document = window_->currentDocument();
    const auto& graph = document->model().graphs.front();
    std::size_t conv = graph.nodes.size();
    for (std::size_t n = 0; n < graph.nodes.size() && conv == graph.nodes.size(); ++n)
        if (graph.nodes[n].op == "cortex_m::quantized_conv2d.out") conv = n;
    QVERIFY(conv < graph.nodes.size());

    PropertiesPanel panel;
    panel.setDocument(document);
    panel.resize(300, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    document->selection().select({SelectionTarget::Kind::Node, 0, conv});
    auto* tree = panel.tree();
    const auto viewport = tree->viewport()->width();
    QVERIFY(tree->columnWidth(0) <= int(viewport * PropertiesPanel::kMaxKeyShare) + 1);
    // The value column starts on screen and reaches the panel's edge.
    QVERIFY(tree->columnViewportPosition(1) < viewport / 2 + 1);
    QVERIFY(tree->columnViewportPosition(1) + tree->columnWidth(1) >= viewport - 1);
    QCOMPARE(tree->textElideMode(), Qt::ElideMiddle);
    std::size_t rows = 0;
    for (QTreeWidgetItemIterator it(tree); *it; ++it, ++rows) {
        if ((*it)->text(1).isEmpty()) continue;
        // A key named from a kernel schema adds its position: "stride (arg3)".
        QVERIFY2((*it)->toolTip(0) == (*it)->text(0) ||
                     (*it)->toolTip(0).startsWith((*it)->text(0) + " (arg"),
                 qPrintable((*it)->toolTip(0)));
        QCOMPARE((*it)->toolTip(1), (*it)->text(1));
    }
    QVERIFY(rows > 10);
    // Wide enough for every key: the column fits them, no more.
    panel.resize(1200, 600);
    QTest::qWait(0);
    const auto wide = tree->viewport()->width();
    QVERIFY(tree->columnWidth(0) < int(wide * PropertiesPanel::kMaxKeyShare));
    for (QTreeWidgetItemIterator it(tree); *it; ++it)
        QVERIFY2(QFontMetrics((*it)->font(0)).horizontalAdvance((*it)->text(0)) <=
                     tree->columnWidth(0),
                 qPrintable((*it)->text(0)));

    const auto operators = tree->findItems("operator", Qt::MatchExactly | Qt::MatchRecursive, 0);
    QVERIFY(!operators.isEmpty());
    auto* opRow = operators.front();
    tree->setCurrentItem(opRow);
    QGuiApplication::clipboard()->clear();
    panel.activateWindow();
    tree->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QTest::keyClick(tree, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromStdString(graph.nodes[conv].op));

    auto* menu = panel.rowMenu(opRow);
    const auto actions = menu->actions();
    QCOMPARE(actions.size(), qsizetype(3));
    actions[1]->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(),
             QString("operator=") + QString::fromStdString(graph.nodes[conv].op));
    actions[0]->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromStdString(graph.nodes[conv].op));
    actions[2]->trigger();
    const auto json = QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8());
    QVERIFY(json.isObject());
    const auto node = json.object()["Node"].toObject();
    QCOMPARE(node["operator"].toString(), QString::fromStdString(graph.nodes[conv].op));
    QCOMPARE(std::size_t(json.object()["Inputs"].toObject().size()),
             graph.nodes[conv].inputs.size());
    QVERIFY(!json.object().contains("Model"));
    delete menu;
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("pteron-test");
    QApplication::setApplicationName("pteron-gui-figures-test");
    GuiFiguresTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "gui_figures_test.moc"
