// Prints the time from opening a file to the first painted window, for real fixtures and for a
// generated 10,000-node graph. Runs on the offscreen platform unless another one is chosen.
#include "app/gui/main_window.hpp"
#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "views/default_layout.hpp"
#include "views/graph_panel.hpp"
#include "views/graph_scene.hpp"
#include "views/model_document.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QTest>

#include <cstdio>
#include <filesystem>

namespace {

constexpr int kTimeoutMs = 300000;

bool waitForLayout(pteron::GraphPanel* panel) {
    return panel && QTest::qWaitFor([panel] { return !panel->isLayoutRunning(); }, kTimeoutMs);
}

void benchmarkFile(const std::string& path) {
    if (!std::filesystem::exists(path)) return;
    const auto file = pteron::MappedFile::open(path);
    if (!pteron::FormatRegistry::standard().detect(file->bytes(), path)) {
        std::printf("%-50s no reader\n", std::filesystem::path(path).filename().c_str());
        return;
    }
    pteron::MainWindow window;
    window.show();
    QElapsedTimer timer;
    timer.start();
    if (!window.openFile(QString::fromStdString(path))) return;
    const auto opened = timer.elapsed();
    if (!waitForLayout(window.currentGraph())) return;
    const auto laidOut = timer.elapsed();
    window.grab();
    const auto painted = timer.elapsed();
    std::printf("%-50s nodes %6zu  open %5lld ms  layout+scene %5lld ms  first paint %5lld ms\n",
                std::filesystem::path(path).filename().c_str(),
                window.currentGraph()->scene()->nodeCount(), opened, laidOut - opened, painted);
}

// The first decoded delegate of a file, opened as its own graph (an NPU command stream).
void benchmarkChildGraph(const std::string& path) {
    if (!std::filesystem::exists(path)) return;
    pteron::MainWindow window;
    window.show();
    if (!window.openFile(QString::fromStdString(path)) || !waitForLayout(window.currentGraph()))
        return;
    auto* panel = window.currentGraph();
    const auto& graph = window.currentDocument()->model().graphs[panel->currentGraph()];
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        if (graph.nodes[n].childGraphs.empty()) continue;
        QElapsedTimer timer;
        timer.start();
        panel->openChildGraph(n);
        if (!waitForLayout(panel)) return;
        const auto laidOut = timer.elapsed();
        window.grab();
        std::printf("%-50s nodes %6zu  layout+scene %5lld ms  first paint %5lld ms  (layout: %s)\n",
                    ("  child " + graph.nodes[n].op).c_str(), panel->scene()->nodeCount(), laidOut,
                    timer.elapsed(), qPrintable(panel->layoutEngineName()));
        return;
    }
}

// A graph shaped like a deep network: a chain with a skip connection every few nodes.
std::shared_ptr<const pteron::Model> generatedModel(std::size_t count) {
    using namespace pteron;
    Model model;
    Graph graph;
    graph.id = "generated";
    graph.kind = "method";
    const auto cpu = graph.hostPartition("portable");
    const auto npu = graph.partitions.size();
    Partition delegate;
    delegate.backend = "EthosUBackend";
    delegate.device = DeviceClass::NPU;
    delegate.delegated = true;
    graph.partitions.push_back(delegate);
    Value value;
    value.dtype = DType::Int8;
    value.hasShape = true;
    value.shape = {1, 32, 28, 28};
    graph.inputs.push_back(std::int64_t(graph.addValue(value)));
    for (std::size_t i = 0; i < count; ++i) {
        Node node;
        node.op = i % 3 == 0 ? "aten::add.out" : "aten::convolution.out";
        node.partition = i % 7 == 0 ? cpu : npu;
        node.inputs.push_back({std::int64_t(i), {}});
        if (i % 3 == 0 && i >= 3) node.inputs.push_back({std::int64_t(i - 2), {}});
        node.outputs.push_back({std::int64_t(graph.addValue(value)), {}});
        graph.nodes.push_back(std::move(node));
    }
    model.addGraph(std::move(graph));
    return std::make_shared<const Model>(std::move(model));
}

void benchmarkGenerated(std::size_t count) {
    QElapsedTimer timer;
    timer.start();
    pteron::ModelDocument document(generatedModel(count), "generated");
    const auto built = timer.elapsed();
    pteron::GraphPanel panel(document, pteron::defaultLayoutEngine());
    panel.resize(1200, 800);
    panel.show();
    if (!waitForLayout(&panel)) return;
    const auto laidOut = timer.elapsed();
    panel.grab();
    const auto painted = timer.elapsed();
    std::printf("%-50s nodes %6zu  build %5lld ms  layout+scene %5lld ms  first paint %5lld ms"
                "  (layout: %s)\n",
                "generated graph", count, built, laidOut - built, painted,
                qPrintable(panel.layoutEngineName()));
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmarkFile(pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"));
    benchmarkChildGraph(pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"));
    benchmarkFile(pteron::testing::fixture("vgf/arm_mobilenet_v2_int8.vgf"));
    benchmarkGenerated(10000);
    return 0;
}
