// Properties of the selection: node attributes and operands, partition specs, graph and model data.
#pragma once

#include "views/model_document.hpp"

#include <QPointer>
#include <QWidget>

class QTreeWidget;
class QTreeWidgetItem;

namespace pteron {

class PropertiesPanel : public QWidget {
    Q_OBJECT
  public:
    explicit PropertiesPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    QTreeWidget* tree() const { return tree_; }
    // Text of the value column of the first row called `property`, searching every section.
    QString valueOf(const QString& property) const;

  private:
    void refresh();
    void showNode(const Graph& graph, std::size_t graphIndex, const Node& node);
    void showPartition(const Graph& graph, const Partition& partition, std::size_t index);
    void showGraph(const Graph& graph);
    void showValue(QTreeWidgetItem* parent, const Graph& graph, std::size_t graphIndex,
                   std::int64_t valueIndex, const QString& label);
    void showModel();
    QTreeWidgetItem* section(const QString& title);

    QPointer<ModelDocument> document_;
    QTreeWidget* tree_;
};

} // namespace pteron
