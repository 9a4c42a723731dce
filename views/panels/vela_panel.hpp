// The Vela report dock: the summary figures (model metadata "vela.*") and the per-layer report
// table, sortable by any column, whose rows select the node they were matched to.
#pragma once

#include "views/model_document.hpp"

#include <QWidget>

class QLabel;
class QModelIndex;
class QSortFilterProxyModel;
class QTreeView;
class QTreeWidget;

namespace pteron {

class VelaPanel : public QWidget {
    Q_OBJECT
  public:
    explicit VelaPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    int entryCount() const;
    bool hasReport() const;
    QTreeView* layers() const { return layers_; }

  private:
    void fillSummary();
    void fillLayers();
    void onLayerActivated(const QModelIndex& index);

    ModelDocument* document_ = nullptr;
    QLabel* empty_;
    QTreeWidget* table_;
    QTreeView* layers_;
    QSortFilterProxyModel* sorted_;
};

} // namespace pteron
