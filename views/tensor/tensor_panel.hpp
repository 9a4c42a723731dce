// The tensor viewer: shape, dtype, statistics, histogram and values of a constant or of a tensor
// the runtime computed; saves .npy.
#pragma once

#include "views/model_document.hpp"
#include "views/tensor/tensor_elements.hpp"

#include <QAbstractTableModel>
#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace pteron {

// Element index and value, one row per element; values are decoded once when shown.
class TensorTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    using QAbstractTableModel::QAbstractTableModel;
    void setElements(std::vector<double> elements, std::vector<std::int64_t> shape);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

  private:
    QString coordinates(std::size_t flat) const;

    std::vector<double> elements_;
    std::vector<std::int64_t> shape_;
};

class HistogramWidget : public QWidget {
    Q_OBJECT
  public:
    using QWidget::QWidget;
    void setCounts(std::vector<std::size_t> counts, TensorStats stats);
    const std::vector<std::size_t>& counts() const { return counts_; }
    const TensorStats& stats() const { return stats_; }
    QSize sizeHint() const override { return {240, 110}; }

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    std::vector<std::size_t> counts_;
    TensorStats stats_;
};

class TensorPanel : public QWidget {
    Q_OBJECT
  public:
    explicit TensorPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    // Value on show, if any: graph index and value index.
    std::optional<std::pair<std::size_t, std::int64_t>> shownValue() const { return shown_; }
    QString infoText() const;
    // Saves the shown constant; returns an error message, empty on success.
    QString saveNpy(const QString& path) const;

  private:
    void refresh();
    void show(std::size_t graph, std::int64_t value);
    void clearView(const QString& message);
    const Value* shownValuePtr() const;
    const runtime::Tensor* computedTensor(std::size_t graph, std::int64_t value) const;
    void showComputed(const Value& value, const runtime::Tensor& tensor);

    QPointer<ModelDocument> document_;
    std::optional<std::pair<std::size_t, std::int64_t>> shown_;
    QLabel* info_;
    HistogramWidget* histogram_;
    QTableView* table_;
    TensorTableModel* model_;
    QPushButton* save_;
};

} // namespace pteron
