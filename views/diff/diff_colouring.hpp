// Colours the nodes a graph panel draws by the diff metric the Diff panel chooses: each drawn
// node (a layer group: all its operations) takes the colour of its worst compared output, and
// nodes that were not compared are greyed; switching the colours off restores the placement
// colours.
#pragma once

#include "views/diff_results.hpp"

#include <QColor>
#include <QObject>
#include <QPointer>

#include <map>
#include <optional>

namespace pteron {

class DiffPanel;
class GraphPanel;
class ModelDocument;
class NodeItem;

class DiffColouring : public QObject {
    Q_OBJECT
  public:
    // Follows the panel's layouts, the document's diff and the Diff panel's choices.
    DiffColouring(GraphPanel& graph, ModelDocument& document, DiffPanel& choices,
                  QObject* parent = nullptr);
    void apply();
    // The score a drawn node is coloured by, when it has one.
    std::optional<std::pair<double, bool>> drawnScore(std::size_t drawn) const;

    static QColor notCompared() { return {0xe6, 0xe6, 0xe6}; }

  private:
    void restore();

    GraphPanel& graph_;
    ModelDocument& document_;
    QPointer<DiffPanel> choices_;
    std::map<NodeItem*, QColor> originals_; // items recoloured since the scene was built
};

} // namespace pteron
