// Prints the time from opening a file to the first painted window, for real fixtures and for a
// generated 10,000-kernel-call program and a program of four expanded MobileNetV2 Ethos-U
// delegates (3,936 NPU operations), and frame times for panning and zooming them. Runs on
// the offscreen platform unless another one is chosen.
#include "app/gui/main_window.hpp"
#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"
#include "tests/bench/generated_programs.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gui_fixtures.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/graph_view.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QScrollBar>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace {

constexpr int kTimeoutMs = 300000;

bool waitForLayout(pteron::GraphPanel* panel) {
    return pteron::testing::waitForLayout(panel, kTimeoutMs);
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

// Time to repaint the view after each of `steps` scroll steps down the graph, then after as
// many zoom steps: what panning and zooming a large graph feels like.
void benchmarkPanZoom(pteron::GraphView& view, int steps) {
    auto* bar = view.verticalScrollBar();
    const int step = std::max(1, (bar->maximum() - bar->minimum()) / (steps * 4));
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < steps; ++i) {
        bar->setValue(bar->value() + step);
        view.viewport()->grab();
    }
    const auto panned = timer.elapsed();
    timer.restart();
    for (int i = 0; i < steps; ++i) {
        view.zoomBy(i < steps / 2 ? 1.1 : 1 / 1.1);
        view.viewport()->grab();
    }
    const auto zoomed = timer.elapsed();
    std::printf("%-50s %d scroll steps %5lld ms (%.1f ms/frame)  %d zoom steps %5lld ms "
                "(%.1f ms/frame)\n",
                "  pan/zoom", steps, panned, double(panned) / steps, steps, zoomed,
                double(zoomed) / steps);
}

// A generated program with `calls` kernel calls, opened like any file.
void benchmarkGeneratedProgram(std::size_t calls) {
    const auto path = (std::filesystem::temp_directory_path() / "pteron_gui_benchmark_10k.pte");
    pteron::testing::writeLargeProgram(path.string(), calls, 1 << 20);
    pteron::MainWindow window;
    window.show();
    QElapsedTimer timer;
    timer.start();
    if (!window.openFile(QString::fromStdString(path.string()))) return;
    const auto opened = timer.elapsed();
    auto* panel = window.currentGraph();
    if (!waitForLayout(panel)) return;
    const auto laidOut = timer.elapsed();
    window.grab();
    const auto painted = timer.elapsed();
    std::printf("%-50s nodes %6zu  open %5lld ms  layout+scene %5lld ms  first paint %5lld ms"
                "  (layout: %s)\n",
                ("generated " + path.filename().string()).c_str(), panel->scene()->nodeCount(),
                opened, laidOut - opened, painted, qPrintable(panel->layoutEngineName()));
    benchmarkPanZoom(*panel->view(), 20);
    std::filesystem::remove(path);
}

// A program of several copies of the MobileNetV2 Ethos-U delegate, every delegate expanded in
// place to its NPU operations (grouped into layers, then as stripes).
void benchmarkExpandedDelegates(std::size_t delegates) {
    const auto path = std::filesystem::temp_directory_path() / "pteron_gui_benchmark_ethosu.pte";
    pteron::testing::writeEthosUDelegatesProgram(
        path.string(), pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"), delegates);
    for (const bool layers : {true, false}) {
        pteron::MainWindow window;
        window.show();
        if (!window.openFile(QString::fromStdString(path.string()))) return;
        auto* panel = window.currentGraph();
        if (!waitForLayout(panel)) return;
        panel->setLayersGrouped(layers);
        if (!waitForLayout(panel)) return;
        QElapsedTimer timer;
        timer.start();
        panel->setExpandInPlace(true);
        if (!waitForLayout(panel)) return;
        const auto laidOut = timer.elapsed();
        window.grab();
        const auto painted = timer.elapsed();
        std::printf("%-50s nodes %6zu  layout+scene %5lld ms  first paint %5lld ms  (layout: %s) "
                    "[target < 1000 ms]\n",
                    (std::to_string(delegates) + " Ethos-U delegates expanded, " +
                     (layers ? "layers" : "stripes"))
                        .c_str(),
                    panel->scene()->nodeCount(), laidOut, painted,
                    qPrintable(panel->layoutEngineName()));
        benchmarkPanZoom(*panel->view(), 20);
    }
    std::filesystem::remove(path);
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmarkFile(pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"));
    benchmarkChildGraph(pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"));
    benchmarkFile(pteron::testing::fixture("vgf/arm_mobilenet_v2_int8.vgf"));
    benchmarkGeneratedProgram(10000);
    benchmarkExpandedDelegates(4);
    return 0;
}
