// Properties of the selection: node attributes and operands, partition specs, graph and model data.
#pragma once

#include "views/model_document.hpp"

#include <QPointer>
#include <QWidget>

class QMenu;
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
    // The row's menu: copy value, copy key=value, copy everything shown as JSON.
    QMenu* rowMenu(QTreeWidgetItem* item);
    // What the copy actions put on the clipboard, for the current row (Ctrl+C copies the value).
    QString valueText(const QTreeWidgetItem* item) const;
    QString keyValueText(const QTreeWidgetItem* item) const;
    // Every section but the model's, as a JSON object of objects: the selected node, partition,
    // value or graph as the panel shows it.
    QString selectionJson() const;

    // The key column grows to its widest key up to this share of the panel's width.
    static constexpr double kMaxKeyShare = 0.45;

  protected:
    void resizeEvent(QResizeEvent* event) override;

  private:
    void refresh();
    void fitKeyColumn();
    void copyToClipboard(const QString& text);
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
