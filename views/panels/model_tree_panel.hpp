// The model tree dock: graphs -> partitions -> operators, synchronised with the shared selection.
#pragma once

#include "views/model_document.hpp"

#include <QPointer>
#include <QWidget>

class QTreeView;

namespace pteron {

class ModelTreeModel;

class ModelTreePanel : public QWidget {
    Q_OBJECT
  public:
    explicit ModelTreePanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    QTreeView* tree() const { return tree_; }

  private:
    void onSelectionChanged(const SelectionTarget& target);

    QPointer<ModelDocument> document_;
    QTreeView* tree_;
    ModelTreeModel* model_ = nullptr;
    bool syncing_ = false;
};

} // namespace pteron
