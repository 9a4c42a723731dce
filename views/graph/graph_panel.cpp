#include "views/graph/graph_panel.hpp"

#include "views/graph/graph_scene.hpp"
#include "views/graph/graph_view.hpp"
#include "views/graph/layered_layout.hpp"
#include "views/graph/legend_bar.hpp"
#include "views/graph/node_item.hpp"
#include "views/graph/node_placement.hpp"

#include <QCursor>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace pteron {

GraphPanel::GraphPanel(ModelDocument& document, LayoutEngine engine, QWidget* parent)
    : QWidget(parent), document_(document), engine_(std::move(engine)),
      breadcrumb_(new QHBoxLayout), scene_(new GraphScene(this)), view_(new GraphView(this)),
      legend_(new LegendBar(this)), progress_(new QWidget(this)), status_(new QLabel(this)),
      retry_(new QPushButton(tr("Retry layout"), this)) {
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 0);
    bar->addLayout(breadcrumb_);
    bar->addStretch();
    buildToolbar(bar);
    column->addLayout(bar);

    auto* progressRow = new QHBoxLayout(progress_);
    progressRow->setContentsMargins(6, 0, 6, 0);
    auto* busy = new QProgressBar(progress_);
    busy->setRange(0, 0);
    busy->setTextVisible(false);
    auto* cancel = new QPushButton(tr("Cancel layout"), progress_);
    cancel->setObjectName("cancelLayoutButton");
    connect(cancel, &QPushButton::clicked, this, &GraphPanel::cancelLayout);
    progressRow->addWidget(new QLabel(tr("Laying out graph…"), progress_));
    progressRow->addWidget(busy, 1);
    progressRow->addWidget(cancel);
    progress_->hide();
    column->addWidget(progress_);

    view_->setScene(scene_);
    column->addWidget(view_, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(legend_, 1);
    bottom->addWidget(status_);
    bottom->addWidget(retry_);
    column->addLayout(bottom);
    retry_->setObjectName("retryLayoutButton");
    retry_->hide();
    connect(retry_, &QPushButton::clicked, this, &GraphPanel::startLayout);

    connect(scene_, &QGraphicsScene::selectionChanged, this, &GraphPanel::onSceneSelection);
    connect(scene_, &GraphScene::nodeActivated, this, &GraphPanel::onNodeActivated);
    connect(scene_, &GraphScene::nodeMenuRequested, this, &GraphPanel::onNodeMenuRequested);
    connect(scene_, &GraphScene::nodeToggleRequested, this, &GraphPanel::toggleExpanded);
    connect(view_, &GraphView::backRequested, this, &GraphPanel::goBack);
    connect(view_, &GraphView::forwardRequested, this, &GraphPanel::goForward);
    connect(&document_.selection(), &SelectionModel::changed, this,
            &GraphPanel::onSelectionChanged);
    const auto top = document_.model().topLevelGraphs();
    if (!document_.model().graphs.empty()) showGraph(top.empty() ? 0 : top.front());
}

GraphPanel::~GraphPanel() {
    // The scene's items would report selection changes to a half-destroyed panel.
    disconnect(scene_, nullptr, this, nullptr);
    stopJobs();
    for (auto& job : jobs_) {
        job.thread->wait();
        delete job.thread;
    }
}

void GraphPanel::buildToolbar(QHBoxLayout* bar) {
    auto addButton = [&](const QString& text, const QString& name, bool checkable) {
        auto* button = new QToolButton(this);
        button->setText(text);
        button->setObjectName(name);
        button->setCheckable(checkable);
        bar->addWidget(button);
        return button;
    };
    auto* horizontal = addButton(tr("Left to right"), "directionButton", true);
    connect(horizontal, &QToolButton::toggled, this, &GraphPanel::setHorizontal);
    auto* expand = addButton(tr("Expand delegates"), "expandButton", true);
    expand->setToolTip(tr("Draw decoded delegate payloads and regions inside their graph"));
    connect(expand, &QToolButton::toggled, this, &GraphPanel::setExpandInPlace);
    auto* layers = addButton(tr("Layers"), "layersButton", true);
    layers->setChecked(true);
    layers->setToolTip(tr("Draw the operations of each NPU layer (stripes, moves, their DMAs) "
                          "as one node"));
    connect(layers, &QToolButton::toggled, this, &GraphPanel::setLayersGrouped);
    auto* labels = addButton(tr("Edge labels"), "edgeLabelsButton", true);
    labels->setChecked(true);
    connect(labels, &QToolButton::toggled, this, &GraphPanel::setEdgeLabelsVisible);
    connect(addButton(tr("Zoom in"), "zoomInButton", false), &QToolButton::clicked, this,
            [this] { view_->zoomBy(1.25); });
    connect(addButton(tr("Zoom out"), "zoomOutButton", false), &QToolButton::clicked, this,
            [this] { view_->zoomBy(0.8); });
    connect(addButton(tr("Fit"), "fitButton", false), &QToolButton::clicked, view_,
            &GraphView::fitScene);
}

void GraphPanel::showGraph(std::size_t graph) {
    if (graph >= document_.model().graphs.size()) return;
    if (graph != graph_) {
        expanded_.clear();
        displayOptions_.expandedLayers.clear();
        syncButton("expandButton", false);
    }
    graph_ = graph;
    rebuildBreadcrumb();
    navigate();
    emit graphShown(graph);
}

void GraphPanel::navigate() {
    const ViewState state{graph_, expanded_, displayOptions_};
    if (history_.empty() || !(history_[historyAt_] == state)) {
        if (!history_.empty()) history_.resize(historyAt_ + 1);
        history_.push_back(state);
        historyAt_ = history_.size() - 1;
    }
    startLayout();
}

bool GraphPanel::goBack() {
    if (historyAt_ == 0 || history_.empty()) return false;
    restore(history_[--historyAt_]);
    return true;
}

bool GraphPanel::goForward() {
    if (historyAt_ + 1 >= history_.size()) return false;
    restore(history_[++historyAt_]);
    return true;
}

void GraphPanel::restore(const ViewState& state) {
    graph_ = state.graph;
    expanded_ = state.expanded;
    displayOptions_ = state.options;
    const auto& graph = document_.model().graphs[graph_];
    bool everyChildExpanded = !expanded_.empty();
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        if (!graph.nodes[n].childGraphs.empty() && !expanded_.contains(n))
            everyChildExpanded = false;
    syncButton("expandButton", everyChildExpanded);
    syncButton("layersButton", displayOptions_.groupLayers);
    rebuildBreadcrumb();
    startLayout();
    emit graphShown(graph_);
}

void GraphPanel::rebuildBreadcrumb() {
    while (breadcrumb_->count() > 0) {
        auto* item = breadcrumb_->takeAt(0);
        delete item->widget();
        delete item;
    }
    const auto& graphs = document_.model().graphs;
    std::vector<std::size_t> chain{graph_};
    while (graphs[chain.back()].parent && chain.size() <= graphs.size())
        chain.push_back(*graphs[chain.back()].parent);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const auto index = *it;
        auto* crumb = new QToolButton(this);
        crumb->setObjectName("breadcrumb");
        crumb->setAutoRaise(true);
        const auto& name = graphs[index].name.empty() ? graphs[index].id : graphs[index].name;
        crumb->setText(QString::fromStdString(name));
        crumb->setEnabled(index != graph_);
        connect(crumb, &QToolButton::clicked, this, [this, index] { showGraph(index); });
        breadcrumb_->addWidget(crumb);
        if (index != graph_) breadcrumb_->addWidget(new QLabel("›", this));
    }
}

void GraphPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() != QEvent::PaletteChange || !display_) return;
    if (SceneInk::fromPalette(palette()) != scene_->ink()) startLayout();
}

void GraphPanel::startLayout() {
    stopJobs();
    retry_->hide();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto result = std::make_shared<SceneLayout>();
    auto failure = std::make_shared<QString>();
    const auto expanded = expandedNodes();
    std::shared_ptr<const DisplayGraph> display = std::make_shared<DisplayGraph>(
        makeDisplayGraph(document_.model(), graph_, expanded, displayOptions_));
    const auto settings = settings_;
    const auto engine = engine_;
    // The thread owns its copy of what it lays out; the panel reads the result on the UI thread.
    // An engine that throws must not take the app down: the layered layout stands in.
    auto* thread = QThread::create([=] {
        try {
            *result = engine(display->graph, settings, cancel.get());
            return;
        } catch (const std::exception& error) {
            *failure = QString::fromUtf8(error.what());
        } catch (...) {
            *failure = tr("unknown error");
        }
        try {
            *result = layeredLayout(display->graph, settings, cancel.get());
        } catch (...) {
            *result = SceneLayout{}; // an empty scene, with the failure in the status line
        }
    });
    const auto generation = ++generation_;
    jobs_.push_back({thread, cancel});
    pending_ = display;
    connect(thread, &QThread::finished, this, [this, thread, result, failure, display, generation] {
        std::erase_if(jobs_, [&](const Job& job) { return job.thread == thread; });
        thread->deleteLater();
        if (jobs_.empty()) progress_->hide();
        if (generation != generation_) return;
        display_ = display;
        applyLayout(*result);
        if (!failure->isEmpty())
            status_->setText(tr("Layout failed (%1) · showing the layered layout").arg(*failure));
    });
    progress_->show();
    thread->start();
}

ExpandedNodes GraphPanel::expandedNodes() const {
    return expanded_;
}

void GraphPanel::setExpandInPlace(bool expand) {
    syncButton("expandButton", expand);
    ExpandedNodes all;
    if (expand) {
        const auto& graph = document_.model().graphs[graph_];
        for (std::size_t n = 0; n < graph.nodes.size(); ++n)
            if (!graph.nodes[n].childGraphs.empty()) all[n] = graph.nodes[n].childGraphs.front();
    }
    if (all == expanded_) return;
    expanded_ = std::move(all);
    navigate();
}

void GraphPanel::setNodeExpanded(std::size_t node, std::optional<std::size_t> child) {
    const auto& graph = document_.model().graphs[graph_];
    if (node >= graph.nodes.size()) return;
    const auto& children = graph.nodes[node].childGraphs;
    if (child && std::ranges::find(children, *child) == children.end()) return;
    const auto now = expanded_.find(node);
    const std::optional<std::size_t> current =
        now == expanded_.end() ? std::nullopt : std::optional(now->second);
    if (current == child) return;
    if (child)
        expanded_[node] = *child;
    else
        expanded_.erase(node);
    // The toolbar toggle reads "expanded" exactly while every node with a child graph is.
    bool everyChildExpanded = true;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        if (!graph.nodes[n].childGraphs.empty() && !expanded_.contains(n))
            everyChildExpanded = false;
    syncButton("expandButton", everyChildExpanded);
    navigate();
}

void GraphPanel::setLayersGrouped(bool grouped) {
    syncButton("layersButton", grouped);
    if (displayOptions_.groupLayers == grouped) return;
    displayOptions_.groupLayers = grouped;
    displayOptions_.expandedLayers.clear();
    navigate();
}

void GraphPanel::setLayerExpanded(const LayerKey& layer, bool expanded) {
    const bool now = displayOptions_.expandedLayers.count(layer) > 0;
    if (now == expanded) return;
    if (expanded)
        displayOptions_.expandedLayers.insert(layer);
    else
        displayOptions_.expandedLayers.erase(layer);
    navigate();
}

void GraphPanel::toggleExpanded(std::size_t drawn) {
    if (!display_ || drawn >= display_->origin.size()) return;
    if (display_->isGroup(drawn) && display_->layer[drawn]) {
        setLayerExpanded(*display_->layer[drawn], true);
        return;
    }
    const auto origin = display_->origin[drawn];
    if (origin.graph != graph_) return;
    const auto& children = document_.model().graphs[graph_].nodes[origin.node].childGraphs;
    if (children.empty()) return;
    setNodeExpanded(origin.node,
                    expandedChild(origin.node) ? std::nullopt : std::optional(children.front()));
}

std::optional<std::size_t> GraphPanel::expandedChild(std::size_t node) const {
    const auto it = expanded_.find(node);
    if (it == expanded_.end()) return std::nullopt;
    return it->second;
}

QString GraphPanel::graphTitle(std::size_t graph) const {
    const auto& model = document_.model().graphs[graph];
    return QString::fromStdString(model.name.empty() ? model.id : model.name);
}

QMenu* GraphPanel::nodeMenu(std::size_t drawn) {
    if (!display_ || drawn >= display_->origin.size()) return nullptr;
    auto* menu = new QMenu(this);
    menu->setObjectName("nodeMenu");
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const auto origin = display_->origin[drawn];
    if (const auto& layer = display_->layer[drawn]) {
        const auto key = *layer;
        if (display_->isGroup(drawn))
            menu->addAction(
                tr("Expand layer into its %1 operations").arg(display_->members[drawn].size()),
                this, [this, key] { setLayerExpanded(key, true); });
        else if (displayOptions_.expandedLayers.count(key))
            menu->addAction(tr("Collapse layer"), this,
                            [this, key] { setLayerExpanded(key, false); });
    }
    if (origin.graph != graph_) {
        // A node of an expanded child graph: fold the child back into its caller's box.
        for (const auto& [node, child] : expanded_)
            if (child == origin.graph)
                menu->addAction(tr("Collapse %1").arg(graphTitle(child)), this,
                                [this, node] { setNodeExpanded(node, std::nullopt); });
        menu->addAction(tr("Open %1 in own view").arg(graphTitle(origin.graph)), this,
                        [this, graph = origin.graph] { showGraph(graph); });
        return menu;
    }
    const auto& children = document_.model().graphs[graph_].nodes[origin.node].childGraphs;
    const auto node = origin.node;
    if (const auto open = expandedChild(node))
        menu->addAction(tr("Collapse %1").arg(graphTitle(*open)), this,
                        [this, node] { setNodeExpanded(node, std::nullopt); });
    for (auto child : children) {
        if (child >= document_.model().graphs.size()) continue;
        if (expandedChild(node) != child)
            menu->addAction(tr("Expand %1 in place").arg(graphTitle(child)), this,
                            [this, node, child] { setNodeExpanded(node, child); });
        menu->addAction(tr("Open %1 in own view").arg(graphTitle(child)), this,
                        [this, child] { openGraph(child); });
    }
    return menu;
}

void GraphPanel::onNodeMenuRequested(std::size_t drawn, QPoint screen) {
    auto* menu = nodeMenu(drawn);
    if (!menu) return;
    if (menu->actions().isEmpty()) {
        delete menu;
        return;
    }
    menu->popup(screen);
}

void GraphPanel::openGraph(std::size_t child) {
    showGraph(child);
    document_.selection().select({SelectionTarget::Kind::Graph, child, 0});
}

std::optional<std::size_t> GraphPanel::drawnIndex(std::size_t graph, std::size_t node) const {
    if (!display_) return std::nullopt;
    return display_->find({graph, node});
}

QString GraphPanel::statusText() const {
    return status_->text();
}

void GraphPanel::stopJobs() {
    for (auto& job : jobs_)
        job.cancel->store(true);
}

// The running layout's result is dropped; the quick layered layout is shown meanwhile, with a
// way to ask for the full layout again.
void GraphPanel::cancelLayout() {
    if (jobs_.empty() || !pending_) return;
    stopJobs();
    ++generation_;
    progress_->hide();
    display_ = pending_;
    applyLayout(layeredLayout(display_->graph, settings_, nullptr));
    status_->setText(tr("Layout cancelled · showing the layered layout"));
    retry_->show();
}

namespace {
// Where reading starts: the first graph input, else the first node.
std::optional<QPointF> entryPoint(const SceneLayout& layout) {
    for (const auto& terminal : layout.terminals)
        if (terminal.input) return terminal.box.center();
    for (const auto& box : layout.nodes)
        if (!box.isNull()) return box.center();
    return std::nullopt;
}
} // namespace

void GraphPanel::applyLayout(const SceneLayout& layout) {
    engineName_ = QString::fromStdString(layout.engine);
    if (layout.cancelled) {
        // Only a superseded job is cancelled from within; its successor draws the scene.
        emit layoutFinished();
        return;
    }
    scene_->setInk(SceneInk::fromPalette(palette()));
    scene_->build(display_->graph, layout);
    legend_->showGraph(display_->graph);
    scene_->setEdgeLabelsVisible(scene_->edgeLabelsVisible());
    // The toggle shows what is drawn: large graphs have no labels to show.
    if (auto* labels = findChild<QToolButton*>("edgeLabelsButton")) {
        const QSignalBlocker blocker(labels);
        labels->setEnabled(scene_->edgeLabelsAvailable());
        labels->setChecked(scene_->edgeLabelsAvailable() && scene_->edgeLabelsVisible());
        labels->setToolTip(scene_->edgeLabelsAvailable()
                               ? tr("Show the type of each edge's value")
                               : tr("Edge labels are off for graphs of more than %1 nodes")
                                     .arg(GraphScene::kLargeGraph));
    }
    status_->setText(
        tr("%1 nodes · layout: %2").arg(display_->graph.nodes.size()).arg(engineName_));
    view_->showReadable(entryPoint(layout));
    view_->refreshMinimap();
    showSelectedNode();
    emit layoutFinished();
}

void GraphPanel::setHorizontal(bool horizontal) {
    syncButton("directionButton", horizontal);
    if (settings_.horizontal == horizontal) return;
    settings_.horizontal = horizontal;
    startLayout();
}

// Keeps a toolbar toggle in step when a setting changes from code.
void GraphPanel::syncButton(const char* name, bool checked) {
    if (auto* button = findChild<QToolButton*>(name)) {
        const QSignalBlocker blocker(button);
        button->setChecked(checked);
    }
}

void GraphPanel::setEdgeLabelsVisible(bool visible) {
    syncButton("edgeLabelsButton", visible);
    scene_->setEdgeLabelsVisible(visible);
}

bool GraphPanel::openChildGraph(std::size_t node) {
    const auto& graph = document_.model().graphs[graph_];
    if (node >= graph.nodes.size()) return false;
    if (graph.nodes[node].childGraphs.empty()) {
        const auto& partition = nodePlacement(graph, graph.nodes[node]);
        if (partition.delegated)
            status_->setText(partition.note.empty() ? tr("This delegate has no decoded graph.")
                                                    : QString::fromStdString(partition.note));
        return false;
    }
    const auto child = graph.nodes[node].childGraphs.front();
    if (child >= document_.model().graphs.size()) return false;
    openGraph(child);
    return true;
}

void GraphPanel::onNodeActivated(std::size_t drawn) {
    if (!display_ || drawn >= display_->origin.size()) return;
    if (display_->isGroup(drawn)) {
        toggleExpanded(drawn);
        return;
    }
    const auto origin = display_->origin[drawn];
    if (origin.graph == graph_) {
        // Several children (an If's branches): let the user pick which one to open.
        if (document_.model().graphs[graph_].nodes[origin.node].childGraphs.size() > 1) {
            onNodeMenuRequested(drawn, QCursor::pos());
            return;
        }
        openChildGraph(origin.node);
        return;
    }
    showGraph(origin.graph); // a node of an expanded child: open that graph whole
}

void GraphPanel::onSelectionChanged(const SelectionTarget& target) {
    if (target.kind == SelectionTarget::Kind::None) {
        applyingSelection_ = true;
        scene_->clearSelection();
        applyingSelection_ = false;
        return;
    }
    if (target.kind == SelectionTarget::Kind::Model) return;
    const bool drawnHere =
        target.kind == SelectionTarget::Kind::Node && drawnIndex(target.graph, target.index);
    if (target.graph != graph_ && !drawnHere) {
        showGraph(target.graph); // the selection is shown once its layout is in
        return;
    }
    showSelectedNode();
}

// Mirrors the shared selection onto the scene and brings the node into view.
void GraphPanel::showSelectedNode() {
    const auto& target = document_.selection().current();
    applyingSelection_ = true;
    scene_->clearSelection();
    if (target.kind == SelectionTarget::Kind::Node) {
        const auto drawn = drawnIndex(target.graph, target.index);
        if (auto* item = drawn ? scene_->nodeItem(*drawn) : nullptr) {
            item->setSelected(true);
            // A click in the scene leaves the view where the user put it.
            if (!selectingFromScene_) view_->focusOn(item->box());
        }
    }
    // A selected partition lights up every node placed on it.
    QRectF lit;
    if (target.graph == graph_ && target.kind == SelectionTarget::Kind::Partition && display_) {
        const auto& shown = document_.model().graphs[graph_];
        const auto& nodes = shown.nodes;
        // A delegate expanded in place shows as the nodes of its decoded payload.
        // kNoNode when the partition has no decoded payload: no model graph has that index.
        const std::size_t child = target.index < shown.partitions.size()
                                      ? shown.partitions[target.index].childGraph.value_or(kNoNode)
                                      : kNoNode;
        for (std::size_t i = 0; i < display_->origin.size(); ++i) {
            const auto origin = display_->origin[i];
            const bool placed = origin.graph == graph_
                                    ? nodes[origin.node].partition == target.index
                                    : origin.graph == child;
            if (placed)
                if (auto* item = scene_->nodeItem(i)) {
                    item->setSelected(true);
                    lit = lit.isNull() ? item->box() : lit.united(item->box());
                }
        }
        // The partition's first node at a readable scale, or all of it when that fits.
        if (!lit.isNull() && !selectingFromScene_) view_->showArea(lit);
    }
    applyingSelection_ = false;
}

void GraphPanel::onSceneSelection() {
    if (applyingSelection_ || !display_) return;
    const auto drawn = scene_->selectedNode();
    if (drawn < 0 || std::size_t(drawn) >= display_->origin.size()) return;
    const auto origin = display_->origin[std::size_t(drawn)];
    selectingFromScene_ = true;
    document_.selection().select({SelectionTarget::Kind::Node, origin.graph, origin.node});
    selectingFromScene_ = false;
}

} // namespace pteron
