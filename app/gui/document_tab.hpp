// One tab of the main window: an opened document and its graph panel.
#pragma once

#include "views/graph/graph_panel.hpp"
#include "views/model_document.hpp"

#include <QWidget>

namespace pteron {

class DocumentTab : public QWidget {
    Q_OBJECT
  public:
    DocumentTab(std::shared_ptr<const Model> model, const QString& path, LayoutEngine engine,
                QWidget* parent = nullptr);
    ~DocumentTab() override;

    ModelDocument& document() { return *document_; }
    GraphPanel& graph() { return *graph_; }

  private:
    ModelDocument* document_;
    GraphPanel* graph_;
};

} // namespace pteron
