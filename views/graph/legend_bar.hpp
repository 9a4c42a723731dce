// A strip of colour swatches naming each partition of the graph on show.
#pragma once

#include "core/graph.hpp"

#include <QWidget>

class QHBoxLayout;

namespace pteron {

class LegendBar : public QWidget {
    Q_OBJECT
  public:
    explicit LegendBar(QWidget* parent = nullptr);
    void showGraph(const Graph& graph);
    int entryCount() const { return entries_; }

  private:
    QHBoxLayout* layout_;
    int entries_ = 0;
};

} // namespace pteron
