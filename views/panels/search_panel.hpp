// The search dock: find nodes by name, operator, backend, dtype or shape; step through results.
#pragma once

#include "views/model_document.hpp"
#include "views/panels/node_search.hpp"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QListWidget;

namespace pteron {

class SearchPanel : public QWidget {
    Q_OBJECT
  public:
    explicit SearchPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    void search(const QString& text, SearchField field);
    // Selects the next (or previous) result, wrapping around.
    void next();
    void previous();
    void focusSearch();
    const std::vector<SearchHit>& hits() const { return hits_; }

  private:
    void run();
    void selectHit(int row);

    QPointer<ModelDocument> document_;
    std::vector<SearchHit> hits_;
    QLineEdit* edit_;
    QComboBox* field_;
    QListWidget* results_;
};

} // namespace pteron
