// The placement dock: operators per backend, share on NPU and MACs per backend.
#pragma once

#include "views/model_document.hpp"

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace pteron {

class PlacementPanel : public QWidget {
    Q_OBJECT
  public:
    explicit PlacementPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    QTreeWidget* table() const { return table_; }
    QString summaryText() const;

  private:
    QLabel* summary_;
    QTreeWidget* table_;
};

} // namespace pteron
