// The Vela report dock: the summary figures (model metadata "vela.*") and a per-layer table of
// the nodes carrying Vela's figures, whose rows select their node.
#pragma once

#include "views/model_document.hpp"

#include <QWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace pteron {

class VelaPanel : public QWidget {
    Q_OBJECT
  public:
    explicit VelaPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    int entryCount() const;
    bool hasReport() const;
    QTreeWidget* layers() const { return layers_; }

  private:
    void fillSummary();
    void fillLayers();
    void onLayerActivated(QTreeWidgetItem* item);

    ModelDocument* document_ = nullptr;
    QLabel* empty_;
    QTreeWidget* table_;
    QTreeWidget* layers_;
};

} // namespace pteron
