// A strip of colour swatches naming each partition of the graph on show, then each kind of NPU
// operation drawn in its own shade; it wraps onto more rows when the panel is narrow.
#pragma once

#include "core/graph.hpp"

#include <QColor>
#include <QMap>
#include <QWidget>

namespace pteron {

class FlowLayout;

class LegendBar : public QWidget {
    Q_OBJECT
  public:
    explicit LegendBar(QWidget* parent = nullptr);
    void showGraph(const Graph& graph);
    int entryCount() const { return entries_; }
    // The swatch colour of each NPU operation kind on show, by kind name ("CONV").
    const QMap<QString, QColor>& operationKinds() const { return kinds_; }

  private:
    void addEntry(const QColor& fill, const QString& text);
    void addOperationKinds(const Graph& graph);

    FlowLayout* layout_;
    int entries_ = 0;
    QMap<QString, QColor> kinds_;
};

} // namespace pteron
