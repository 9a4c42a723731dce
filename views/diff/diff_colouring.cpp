#include "views/diff/diff_colouring.hpp"

#include "views/diff/diff_panel.hpp"
#include "views/graph/graph_panel.hpp"
#include "views/graph/graph_scene.hpp"
#include "views/graph/node_item.hpp"
#include "views/model_document.hpp"

namespace pteron {

DiffColouring::DiffColouring(GraphPanel& graph, ModelDocument& document, DiffPanel& choices,
                             QObject* parent)
    : QObject(parent), graph_(graph), document_(document), choices_(&choices) {
    setObjectName("diffColouring");
    connect(&graph, &GraphPanel::layoutFinished, this, [this] {
        originals_.clear(); // a new scene: its items carry their placement colours
        apply();
    });
    connect(&document, &ModelDocument::diffResultsChanged, this, &DiffColouring::apply);
    connect(&choices, &DiffPanel::colouringChanged, this, &DiffColouring::apply);
}

void DiffColouring::restore() {
    for (const auto& [item, colour] : originals_)
        item->setFill(colour);
    originals_.clear();
}

std::optional<std::pair<double, bool>> DiffColouring::drawnScore(std::size_t drawn) const {
    const auto* results = document_.diffResults();
    const auto* display = graph_.displayGraph();
    if (!results || !display || drawn >= display->origin.size() || !choices_) return std::nullopt;
    const auto metric = choices_->metric();
    const bool higher = diffMetricHigherIsBetter(metric);
    auto origins = display->isGroup(drawn) ? display->members[drawn]
                                           : std::vector<NodeOrigin>{display->origin[drawn]};
    std::optional<std::pair<double, bool>> worst;
    for (const auto& origin : origins) {
        const auto score = results->nodeScore(origin.graph, origin.node, metric);
        if (!score) continue;
        if (!worst) {
            worst = score;
            continue;
        }
        const bool poorer = higher ? score->first < worst->first : score->first > worst->first;
        worst = std::pair{poorer ? score->first : worst->first, worst->second && score->second};
    }
    return worst;
}

void DiffColouring::apply() {
    const auto* results = document_.diffResults();
    auto* scene = graph_.scene();
    if (!results || !choices_ || !choices_->coloursShown() || !scene) return restore();
    const auto metric = choices_->metric();
    const auto range = results->range(metric).value_or(std::pair{0.0, 0.0});
    for (std::size_t drawn = 0; drawn < scene->nodeCount(); ++drawn) {
        auto* item = scene->nodeItem(drawn);
        if (!item) continue;
        originals_.try_emplace(item, item->fill());
        const auto score = drawnScore(drawn);
        item->setFill(score ? diffNodeColour(score->first, score->second, range, metric)
                            : notCompared());
    }
}

} // namespace pteron
