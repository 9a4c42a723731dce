// The Diff panel: what the open model was compared with, the metric the graph is coloured by
// with its colour scale, and the selected node's two tensors side by side with their difference
// and a histogram of the error.
#pragma once

#include "views/diff_results.hpp"
#include "views/model_document.hpp"

#include <QAbstractTableModel>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;

namespace pteron {

class HistogramWidget;

// Green (agreeing) through yellow to red (the worst) for t in [0, 1].
QColor diffScaleColour(double t);

// The colour of a node score on the scale of `range`: agreeing nodes green, the worst red.
QColor diffNodeColour(double value, bool pass, std::pair<double, double> range, DiffMetric metric);

// Element index, side A, side B and A − B, one row per element.
class DiffTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    using QAbstractTableModel::QAbstractTableModel;
    void setElements(std::vector<double> a, std::vector<double> b, std::vector<std::int64_t> shape);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

  private:
    std::vector<double> a_, b_;
    std::vector<std::int64_t> shape_;
};

// A horizontal colour bar from the best to the worst value of the metric.
class DiffScale : public QWidget {
    Q_OBJECT
  public:
    using QWidget::QWidget;
    void setScale(QString metric, std::optional<std::pair<double, double>> range,
                  bool higherIsBetter);
    QString text() const; // "max abs: 0 … 12", for tests and tooltips
    QSize sizeHint() const override { return {240, 36}; }

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    QString metric_;
    std::optional<std::pair<double, double>> range_;
    bool higherIsBetter_ = false;
};

class DiffPanel : public QWidget {
    Q_OBJECT
  public:
    explicit DiffPanel(QWidget* parent = nullptr);
    void setDocument(ModelDocument* document);
    DiffMetric metric() const;
    void setMetric(DiffMetric metric);
    bool coloursShown() const;
    QString summaryText() const;
    QString detailText() const;
    const DiffTableModel* table() const { return table_; }
    const HistogramWidget* errorHistogram() const { return histogram_; }
    QString scaleText() const;

  signals:
    // The metric or the colouring switch changed: the graph's colours follow.
    void colouringChanged();

  private:
    void refresh();
    void showSelection();
    void showRow(const diff::DiffRow& row);
    void clearDetail(const QString& message);

    QPointer<ModelDocument> document_;
    QLabel* summary_;
    QComboBox* metric_;
    QCheckBox* colours_;
    DiffScale* scale_;
    QLabel* detail_;
    HistogramWidget* histogram_;
    QTableView* view_;
    DiffTableModel* table_;
};

} // namespace pteron
