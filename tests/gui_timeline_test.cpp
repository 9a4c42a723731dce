// The timeline of an ETDump: one bar per profile event the reader gives, lengths and positions in
// proportion to the recorded times, contained events one row lower, and bars of an ETDump
// attached to a program selecting the node of the instruction they timed.
#include "app/gui/document_tab.hpp"
#include "app/gui/main_window.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/relu_chain_program.hpp"
#include "views/timeline/timeline_view.hpp"

#include <QAction>
#include <QApplication>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QTabWidget>
#include <QTest>
#include <QWheelEvent>

#include <algorithm>
#include <map>
#include <memory>

using namespace pteron;

namespace {

const char* const kTutorial = "etdump/et_tutorial_etdump.etdp";
// The tutorial's "Execute" run: 14 OPERATOR_CALL / native_call pairs and Method::execute.
constexpr std::size_t kTutorialExecuteEvents = 29;
constexpr double kPixel = 1.0;

std::int64_t intAttribute(const Node& node, const char* name) {
    const auto* attribute = findAttribute(node.attributes, name);
    return attribute ? std::get<std::int64_t>(attribute->value) : -1;
}

// The bars as drawn: rectangle items carrying a bar index, keyed by their event's node index.
std::map<std::size_t, QRectF> drawnBars(const TimelineView& view) {
    std::map<std::size_t, QRectF> bars;
    for (auto* item : view.scene()->items()) {
        auto* rect = qgraphicsitem_cast<QGraphicsRectItem*>(item);
        if (!rect || !rect->data(0).isValid()) continue;
        const auto& bar = view.timeline().bars.at(rect->data(0).toULongLong());
        bars[bar.node] = rect->rect();
    }
    return bars;
}

const Graph& executeRun(const Model& model) {
    const auto* run = model.findGraph("Execute#1");
    if (!run) throw std::runtime_error("the tutorial ETDump has no Execute run");
    return *run;
}

// Each bar's width against the longest event's: width / duration is the same for all bars.
void checkWidthsFollowDurations(const Graph& run, const std::map<std::size_t, QRectF>& bars) {
    const auto longest =
        std::max_element(bars.begin(), bars.end(), [&](const auto& a, const auto& b) {
            return intAttribute(run.nodes[a.first], "duration") <
                   intAttribute(run.nodes[b.first], "duration");
        });
    const double perTick = longest->second.width() /
                           static_cast<double>(intAttribute(run.nodes[longest->first], "duration"));
    for (const auto& [node, rect] : bars) {
        const double expected =
            static_cast<double>(intAttribute(run.nodes[node], "duration")) * perTick;
        QVERIFY2(std::abs(rect.width() - expected) <= kPixel, run.nodes[node].name.c_str());
    }
}

Node timedEvent(const char* name, std::int64_t chain, std::int64_t instruction, std::int64_t start,
                std::int64_t end) {
    Node node;
    node.name = name;
    node.op = std::string("etdump.") + name;
    node.attributes.push_back({"chain", chain});
    node.attributes.push_back({"instruction_id", instruction});
    node.attributes.push_back({"start", start});
    node.attributes.push_back({"end", end});
    node.attributes.push_back({"duration", end - start});
    return node;
}

} // namespace

class GuiTimelineTest : public QObject {
    Q_OBJECT

  private slots:
    void init() {
        window_ = std::make_unique<MainWindow>();
        window_->setRecordsRecentFiles(false);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    }
    void cleanup() { window_.reset(); }

    void standaloneEtdumpOpensOnItsTimeline();
    void barWidthsFollowDurations();
    void barsLieOnTheAxisByStartTime();
    void containedEventsSitOneRowLowerInsideTheirParent();
    void delegateEventsNestUnderTheirDelegateCall();
    void equalSpansNestTheDelegateEventUnderTheCall();
    void labelsFitInsideBarsAndTooltipsGiveTimes();
    void zoomStretchesTheTimeAxis();
    void attachedTimelineSelectsProgramNodes();

  private:
    // Opens the tutorial ETDump and returns its timeline view, laid out in the shown window.
    TimelineView* openTutorial() {
        if (!window_->openFile(QString::fromStdString(testing::fixture(kTutorial)))) return nullptr;
        QApplication::processEvents();
        auto* timeline = window_->currentTab()->timeline();
        return timeline ? timeline->view() : nullptr;
    }

    std::unique_ptr<MainWindow> window_;
};

void GuiTimelineTest::standaloneEtdumpOpensOnItsTimeline() {
    auto* view = openTutorial();
    QVERIFY(view);
    auto* views = window_->currentTab()->findChild<QTabWidget*>("documentViews");
    QVERIFY(views);
    QCOMPARE(views->currentWidget(), window_->currentTab()->timeline());
    QVERIFY(view->isVisible());

    const auto model = FormatRegistry::standard().open(testing::fixture(kTutorial));
    const auto& run = executeRun(model);
    QCOMPARE(run.nodes.size(), kTutorialExecuteEvents);
    QCOMPARE(drawnBars(*view).size(), run.nodes.size());
    QCOMPARE(view->timeline().bars.size(), run.nodes.size());
    // The whole run fits the view at open.
    for (const auto& [node, rect] : drawnBars(*view)) {
        const auto shown = view->mapFromScene(rect).boundingRect();
        QVERIFY2(shown.left() >= 0 && shown.right() <= view->viewport()->width() + kPixel,
                 run.nodes[node].name.c_str());
    }
    // Clicking a bar of a standalone ETDump selects its own event.
    const auto first = view->timeline().bars.front();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->mapFromScene(view->barRect(0).center()));
    const SelectionTarget expected{SelectionTarget::Kind::Node,
                                   std::size_t(model.findGraph("Execute#1") - model.graphs.data()),
                                   first.node};
    QCOMPARE(window_->currentDocument()->selection().current(), expected);
}

void GuiTimelineTest::barWidthsFollowDurations() {
    auto* view = openTutorial();
    QVERIFY(view);
    const auto model = FormatRegistry::standard().open(testing::fixture(kTutorial));
    checkWidthsFollowDurations(executeRun(model), drawnBars(*view));
}

void GuiTimelineTest::barsLieOnTheAxisByStartTime() {
    auto* view = openTutorial();
    QVERIFY(view);
    const auto model = FormatRegistry::standard().open(testing::fixture(kTutorial));
    const auto& run = executeRun(model);
    const auto bars = drawnBars(*view);
    std::vector<std::pair<double, std::int64_t>> byPosition; // left edge, start time
    for (const auto& [node, rect] : bars)
        byPosition.emplace_back(rect.left(), intAttribute(run.nodes[node], "start"));
    std::sort(byPosition.begin(), byPosition.end());
    for (std::size_t i = 1; i < byPosition.size(); ++i)
        QVERIFY(byPosition[i - 1].second <= byPosition[i].second);
    // Left edges sit at start times on one linear scale: the scale of the run's whole span.
    const double perTick =
        (byPosition.back().first - byPosition.front().first) /
        static_cast<double>(byPosition.back().second - byPosition.front().second);
    for (const auto& [left, start] : byPosition)
        QVERIFY(std::abs(left - byPosition.front().first -
                         static_cast<double>(start - byPosition.front().second) * perTick) <=
                kPixel);
}

void GuiTimelineTest::containedEventsSitOneRowLowerInsideTheirParent() {
    auto* view = openTutorial();
    QVERIFY(view);
    const auto model = FormatRegistry::standard().open(testing::fixture(kTutorial));
    const auto& run = executeRun(model);
    const auto bars = drawnBars(*view);
    // Per the runtime, the kernel event native_call_* runs inside its instruction's OPERATOR_CALL,
    // and every instruction inside Method::execute.
    std::map<std::int64_t, std::size_t> operatorCalls;
    std::size_t execute = run.nodes.size();
    for (std::size_t n = 0; n < run.nodes.size(); ++n) {
        if (run.nodes[n].name == "OPERATOR_CALL")
            operatorCalls[intAttribute(run.nodes[n], "instruction_id")] = n;
        if (run.nodes[n].name == "Method::execute") execute = n;
    }
    QCOMPARE(operatorCalls.size(), std::size_t(14));
    QVERIFY(execute < run.nodes.size());
    const double rowPitch = bars.at(operatorCalls.begin()->second).top() - bars.at(execute).top();
    QVERIFY(rowPitch > 0);
    std::size_t kernels = 0;
    for (std::size_t n = 0; n < run.nodes.size(); ++n) {
        const auto& name = run.nodes[n].name;
        const bool isKernel = name.rfind("native_call_", 0) == 0;
        if (!isKernel && name != "OPERATOR_CALL") continue;
        const auto parent =
            isKernel ? operatorCalls.at(intAttribute(run.nodes[n], "instruction_id")) : execute;
        const auto& inner = bars.at(n);
        const auto& outer = bars.at(parent);
        QVERIFY2(inner.left() >= outer.left() - kPixel && inner.right() <= outer.right() + kPixel,
                 name.c_str());
        QVERIFY2(std::abs(inner.top() - outer.top() - rowPitch) < 0.01, name.c_str());
        kernels += isKernel ? 1 : 0;
    }
    QCOMPARE(kernels, std::size_t(14));
}

void GuiTimelineTest::delegateEventsNestUnderTheirDelegateCall() {
    // The tutorial has no delegate: a run as the reader gives one for an XNNPACK delegate call
    // with two delegate-internal events, one of them as long as the call itself.
    Graph run;
    run.id = "Execute#1";
    run.kind = "run";
    run.nodes.push_back(timedEvent("Method::execute", -1, -1, 0, 1000));
    run.nodes.push_back(timedEvent("OPERATOR_CALL", 0, 0, 10, 100));
    run.nodes.push_back(timedEvent("Conv2d #1", 0, 1, 200, 600));
    run.nodes.back().attributes.push_back({"delegate_debug_id_int", std::int64_t(7)});
    run.nodes.push_back(timedEvent("Add #2", 0, 1, 600, 900));
    run.nodes.back().attributes.push_back({"delegate_debug_id_str", std::string("add")});
    run.nodes.push_back(timedEvent("DELEGATE_CALL", 0, 1, 150, 900));
    SelectionModel selection;
    TimelineView view(buildTimeline(run), selection, {});
    view.resize(800, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const auto bars = drawnBars(view);
    QCOMPARE(bars.size(), run.nodes.size());
    const double rowPitch = bars.at(1).top() - bars.at(0).top();
    QVERIFY(rowPitch > 0);
    for (const std::size_t delegated : {2u, 3u}) {
        QVERIFY(bars.at(delegated).left() >= bars.at(4).left() - kPixel);
        QVERIFY(bars.at(delegated).right() <= bars.at(4).right() + kPixel);
        QVERIFY(std::abs(bars.at(delegated).top() - bars.at(4).top() - rowPitch) < 0.01);
    }
    QVERIFY(std::abs(bars.at(4).top() - bars.at(0).top() - rowPitch) < 0.01);
    checkWidthsFollowDurations(run, bars);
}

void GuiTimelineTest::equalSpansNestTheDelegateEventUnderTheCall() {
    // A delegate event recorded with exactly its call's span (the delegate event listed first),
    // and a debug event, which has no times and so no bar.
    Graph run;
    run.kind = "run";
    run.nodes.push_back(timedEvent("Conv2d #1", 0, 0, 100, 400));
    run.nodes.back().attributes.push_back({"delegate_debug_id_int", std::int64_t(1)});
    run.nodes.push_back(timedEvent("DELEGATE_CALL", 0, 0, 100, 400));
    Node debug;
    debug.op = "etdump.debug";
    debug.attributes.push_back({"chain", std::int64_t(0)});
    debug.attributes.push_back({"instruction_id", std::int64_t(0)});
    run.nodes.push_back(debug);
    SelectionModel selection;
    TimelineView view(buildTimeline(run), selection, {});
    view.resize(600, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const auto bars = drawnBars(view);
    QCOMPARE(bars.size(), std::size_t(2));
    QCOMPARE(bars.at(0).left(), bars.at(1).left());
    QCOMPARE(bars.at(0).width(), bars.at(1).width());
    QVERIFY(bars.at(0).top() > bars.at(1).top());
}

void GuiTimelineTest::labelsFitInsideBarsAndTooltipsGiveTimes() {
    auto* view = openTutorial();
    QVERIFY(view);
    const auto model = FormatRegistry::standard().open(testing::fixture(kTutorial));
    const auto& run = executeRun(model);
    std::size_t labelled = 0;
    for (auto* item : view->scene()->items()) {
        auto* rect = qgraphicsitem_cast<QGraphicsRectItem*>(item);
        if (!rect || !rect->data(0).isValid()) continue;
        const auto& event = run.nodes[view->timeline().bars.at(rect->data(0).toULongLong()).node];
        const auto tip = rect->toolTip();
        QVERIFY2(tip.contains(QString::fromStdString(event.name)), qPrintable(tip));
        QVERIFY2(tip.contains(QString::number(intAttribute(event, "start"))), qPrintable(tip));
        QVERIFY2(tip.contains(QString::number(intAttribute(event, "duration"))), qPrintable(tip));
        for (auto* child : rect->childItems()) {
            auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(child);
            if (!text) continue;
            // The label is the name, or its start followed by an ellipsis, inside the bar.
            auto shown = text->text();
            if (shown.endsWith(QChar(0x2026))) shown.chop(1);
            QVERIFY2(QString::fromStdString(event.name).startsWith(shown), qPrintable(shown));
            const auto box = text->mapRectToScene(text->boundingRect());
            QVERIFY2(box.left() >= rect->rect().left() && box.right() <= rect->rect().right(),
                     qPrintable(shown));
            ++labelled;
        }
    }
    QVERIFY(labelled > 0);
}

void GuiTimelineTest::zoomStretchesTheTimeAxis() {
    auto* view = openTutorial();
    QVERIFY(view);
    const auto action = [this](const QString& text) -> QAction* {
        for (auto* candidate : window_->findChildren<QAction*>())
            if (candidate->text() == text) return candidate;
        return nullptr;
    };
    QVERIFY(action("Zoom &in") && action("&Fit graph"));
    const double fitted = view->barRect(0).width();
    // View ▸ Zoom in acts on the timeline in view, not on the graph behind it.
    action("Zoom &in")->trigger();
    QVERIFY(std::abs(view->barRect(0).width() - 1.25 * fitted) <= kPixel);
    // Ctrl+wheel stretches the axis again.
    const QPointF centre = view->viewport()->rect().center();
    QWheelEvent wheel(centre, view->viewport()->mapToGlobal(centre), {}, {0, 120}, Qt::NoButton,
                      Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &wheel);
    QVERIFY(std::abs(view->barRect(0).width() - 1.25 * 1.25 * fitted) <= kPixel);
    action("&Fit graph")->trigger();
    QVERIFY(std::abs(view->barRect(0).width() - fitted) <= kPixel);
    // Zoom stays within bounds: out to half the fitted scale, in to a few million pixels.
    view->zoomBy(1e-9);
    QVERIFY(std::abs(view->barRect(0).width() - 0.5 * fitted) <= kPixel);
    view->zoomBy(1e12);
    QVERIFY(view->scene()->sceneRect().width() <= 4e6 + 100);
    QVERIFY(view->barRect(0).width() > 1e6);
}

void GuiTimelineTest::attachedTimelineSelectsProgramNodes() {
    // No program fixture belongs to the tutorial ETDump; a program of 14 kernels has its shape.
    const auto programPath = (testing::madeDir() / "timeline_relu_chain.pte").string();
    testing::writeReluChainProgram(programPath, 14);
    QVERIFY(window_->openFile(QString::fromStdString(programPath)));
    QVERIFY(window_->currentTab()->timeline() == nullptr);
    QCOMPARE(window_->attachEtdumpToCurrent(QString::fromStdString(testing::fixture(kTutorial))),
             QString());
    auto* timeline = window_->currentTab()->timeline();
    QVERIFY(timeline);
    QApplication::processEvents();
    auto* view = timeline->view();
    QVERIFY(view->isVisible());

    const auto program = FormatRegistry::standard().open(programPath);
    const auto* forward = program.findGraph("forward");
    QVERIFY(forward);
    const auto forwardIndex = std::size_t(forward - program.graphs.data());
    const auto etdump = FormatRegistry::standard().open(testing::fixture(kTutorial));
    const auto& run = executeRun(etdump);
    auto& selection = window_->currentDocument()->selection();
    std::size_t linked = 0;
    for (std::size_t b = 0; b < view->timeline().bars.size(); ++b) {
        const auto& event = run.nodes[view->timeline().bars[b].node];
        selection.select({});
        // Short events are narrower than a pixel at the fitted scale: zoom in as a user would.
        view->zoomBy(std::max(1.0, 12.0 / view->barRect(b).width()));
        view->centerOn(view->barRect(b).center());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->mapFromScene(view->barRect(b).center()));
        view->fitRun();
        if (intAttribute(event, "chain") != 0) {
            QCOMPARE(selection.current().kind, SelectionTarget::Kind::None);
            continue;
        }
        // The event's instruction_id indexes the instructions of chain 0 of "forward".
        const auto instruction = intAttribute(event, "instruction_id");
        std::size_t expected = forward->nodes.size();
        for (std::size_t n = 0; n < forward->nodes.size(); ++n)
            if (intAttribute(forward->nodes[n], "instruction") == instruction) expected = n;
        QVERIFY(expected < forward->nodes.size());
        QVERIFY2(selection.current() ==
                     (SelectionTarget{SelectionTarget::Kind::Node, forwardIndex, expected}),
                 qPrintable(QString("%1 of instruction %2 at %3, %4 px wide")
                                .arg(QString::fromStdString(event.name))
                                .arg(instruction)
                                .arg(view->barRect(b).left())
                                .arg(view->barRect(b).width())));
        ++linked;
    }
    QCOMPARE(linked, std::size_t(28));

    // Selecting a program node marks the bars of its instruction: its call and its kernel.
    std::size_t third = forward->nodes.size();
    for (std::size_t n = 0; n < forward->nodes.size(); ++n)
        if (intAttribute(forward->nodes[n], "instruction") == 3) third = n;
    QVERIFY(third < forward->nodes.size());
    selection.select({SelectionTarget::Kind::Node, forwardIndex, third});
    std::size_t marked = 0;
    for (auto* item : view->scene()->items()) {
        auto* rect = qgraphicsitem_cast<QGraphicsRectItem*>(item);
        if (!rect || !rect->data(0).isValid() || rect->pen().widthF() <= 1.0) continue;
        const auto& event = run.nodes[view->timeline().bars.at(rect->data(0).toULongLong()).node];
        QCOMPARE(intAttribute(event, "instruction_id"), std::int64_t(3));
        QCOMPARE(intAttribute(event, "chain"), std::int64_t(0));
        ++marked;
    }
    QCOMPARE(marked, std::size_t(2));

    // The program was read again with the ETDump attached: the node carries the time of its
    // one OPERATOR_CALL in the single Execute run.
    const auto& attached = window_->currentDocument()->model().graphs[forwardIndex];
    std::int64_t callTicks = -1;
    for (const auto& event : run.nodes)
        if (event.name == "OPERATOR_CALL" && intAttribute(event, "instruction_id") == 3)
            callTicks = intAttribute(event, "end") - intAttribute(event, "start");
    QVERIFY(callTicks > 0);
    QCOMPARE(intAttribute(attached.nodes[third], "runtime.ticks.total"), callTicks);
    QCOMPARE(window_->tabCount(), 1);
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("pteron-test");
    QApplication::setApplicationName("pteron-gui-timeline-test");
    GuiTimelineTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "gui_timeline_test.moc"
