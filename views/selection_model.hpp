// The one selection every panel of a document shares: clicking anywhere selects everywhere.
#pragma once

#include <QObject>

#include <cstddef>

namespace pteron {

// What is selected: a graph, a partition, a node or a value, each inside one model graph.
struct SelectionTarget {
    enum class Kind { None, Model, Graph, Partition, Node, Value };
    Kind kind = Kind::None;
    std::size_t graph = 0;
    std::size_t index = 0; // partition, node or value index inside `graph`

    bool operator==(const SelectionTarget&) const = default;
};

class SelectionModel : public QObject {
    Q_OBJECT
  public:
    using QObject::QObject;

    const SelectionTarget& current() const { return current_; }
    // Selects `target` and tells every panel; selecting the current target again does nothing.
    void select(const SelectionTarget& target);

  signals:
    void changed(const pteron::SelectionTarget& target);

  private:
    SelectionTarget current_;
};

} // namespace pteron
