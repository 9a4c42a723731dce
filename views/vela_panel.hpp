// The Vela report dock: every model metadata entry whose key starts with "vela.".
#pragma once

#include "views/model_document.hpp"

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace pteron {

class VelaPanel : public QWidget {
    Q_OBJECT
  public:
    explicit VelaPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    int entryCount() const;

  private:
    QLabel* empty_;
    QTreeWidget* table_;
};

} // namespace pteron
