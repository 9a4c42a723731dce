// The search dock: find nodes by name, operator, backend, dtype or shape; step through results.
#pragma once

#include "views/model_document.hpp"
#include "views/panels/node_search.hpp"

#include <QPointer>
#include <QString>
#include <QWidget>

#include <unordered_map>

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
    QString text() const;
    int currentRow() const;

  private:
    // What a tab's search showed when the user left it, restored on return.
    struct SavedSearch {
        QString text;
        int field = 0;
        int row = -1;
    };

    void run();
    void selectHit(int row);
    void saveSearch();
    void restoreSearch();

    QPointer<ModelDocument> document_;
    std::unordered_map<const ModelDocument*, SavedSearch> saved_;
    std::vector<SearchHit> hits_;
    QLineEdit* edit_;
    QComboBox* field_;
    QListWidget* results_;
};

} // namespace pteron
