#include "views/diff/diff_panel.hpp"

#include "runtime/tensor_elements.hpp"
#include "views/tensor/tensor_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLinearGradient>
#include <QPainter>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace pteron {

namespace {

constexpr std::size_t kBins = 48;

QString number(double value) {
    return QString::number(value, 'g', 6);
}

QString placeText(const diff::TensorPlace& place) {
    return QString("%1 #%2 %3 %4")
        .arg(QString::fromStdString(place.graph))
        .arg(place.node)
        .arg(QString::fromStdString(place.op), QString::fromStdString(place.tensor));
}

// Per-tensor dequantisation, so an int8 side and a float side are shown in one unit.
std::vector<double> shownValues(const runtime::Tensor& tensor, bool dequantise) {
    auto values = runtime::toDoubles(tensor);
    const auto& q = tensor.quantization;
    if (!dequantise || q.scales.size() != 1 || isFloatingPoint(tensor.dtype())) return values;
    const double zero = q.zeroPoints.empty() ? 0.0 : double(q.zeroPoints.front());
    for (auto& value : values)
        value = (value - zero) * q.scales.front();
    return values;
}

} // namespace

QColor diffScaleColour(double t) {
    t = std::clamp(t, 0.0, 1.0);
    const QColor good(0x43, 0xa0, 0x47), middle(0xfd, 0xd8, 0x35), bad(0xe5, 0x39, 0x35);
    const auto& from = t < 0.5 ? good : middle;
    const auto& to = t < 0.5 ? middle : bad;
    const double s = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    return QColor::fromRgbF(float(from.redF() + (to.redF() - from.redF()) * s),
                            float(from.greenF() + (to.greenF() - from.greenF()) * s),
                            float(from.blueF() + (to.blueF() - from.blueF()) * s));
}

QColor diffNodeColour(double value, bool pass, std::pair<double, double> range, DiffMetric metric) {
    const bool higher = diffMetricHigherIsBetter(metric);
    double t = 0;
    if (!std::isfinite(value))
        t = (value > 0) == higher ? 0.0 : 1.0;
    else if (range.second > range.first)
        t = (value - range.first) / (range.second - range.first);
    if (higher) t = 1 - t;
    // A failing tensor never looks like an agreeing one, whatever the spread of the rest.
    if (!pass) t = std::max(t, 0.75);
    if (pass) t = std::min(t, 0.45);
    return diffScaleColour(t);
}

void DiffTableModel::setElements(std::vector<double> a, std::vector<double> b,
                                 std::vector<std::int64_t> shape) {
    beginResetModel();
    a_ = std::move(a);
    b_ = std::move(b);
    shape_ = std::move(shape);
    endResetModel();
}

int DiffTableModel::rowCount(const QModelIndex& parent) const {
    const auto rows = std::max(a_.size(), b_.size());
    return parent.isValid() ? 0 : int(std::min<std::size_t>(rows, INT32_MAX));
}

int DiffTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 4;
}

QVariant DiffTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const auto row = static_cast<std::size_t>(index.row());
    const bool hasA = row < a_.size(), hasB = row < b_.size();
    if (role == Qt::ForegroundRole && index.column() == 3 && hasA && hasB && a_[row] != b_[row])
        return QColor(0xc6, 0x28, 0x28);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case 0:
        return QString::number(row);
    case 1:
        return hasA ? QString::number(a_[row], 'g', 8) : QString();
    case 2:
        return hasB ? QString::number(b_[row], 'g', 8) : QString();
    default:
        return hasA && hasB ? QString::number(a_[row] - b_[row], 'g', 8) : QString();
    }
}

QVariant DiffTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section;
    switch (section) {
    case 0:
        return tr("Index");
    case 1:
        return tr("A");
    case 2:
        return tr("B");
    default:
        return tr("A − B");
    }
}

void DiffScale::setScale(QString metric, std::optional<std::pair<double, double>> range,
                         bool higherIsBetter) {
    metric_ = std::move(metric);
    range_ = range;
    higherIsBetter_ = higherIsBetter;
    setToolTip(text());
    update();
}

QString DiffScale::text() const {
    if (!range_) return tr("%1: nothing compared").arg(metric_);
    const auto best = higherIsBetter_ ? range_->second : range_->first;
    const auto worst = higherIsBetter_ ? range_->first : range_->second;
    return tr("%1: %2 (agrees) … %3 (worst)").arg(metric_, number(best), number(worst));
}

void DiffScale::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const auto bar = rect().adjusted(4, 2, -4, -height() / 2);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (const double t : {0.0, 0.5, 1.0})
        gradient.setColorAt(t, diffScaleColour(t));
    painter.fillRect(bar, gradient);
    painter.setPen(Qt::darkGray);
    painter.drawRect(bar);
    if (!range_) return;
    const auto labels = rect().adjusted(4, height() / 2, -4, 0);
    const auto best = higherIsBetter_ ? range_->second : range_->first;
    const auto worst = higherIsBetter_ ? range_->first : range_->second;
    painter.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, number(best));
    painter.drawText(labels, Qt::AlignHCenter | Qt::AlignVCenter, metric_);
    painter.drawText(labels, Qt::AlignRight | Qt::AlignVCenter, number(worst));
}

DiffPanel::DiffPanel(QWidget* parent)
    : QWidget(parent), summary_(new QLabel(this)), metric_(new QComboBox(this)),
      colours_(new QCheckBox(tr("Colour the graph"), this)), scale_(new DiffScale(this)),
      detail_(new QLabel(this)), histogram_(new HistogramWidget(this)), view_(new QTableView(this)),
      table_(new DiffTableModel(this)) {
    auto* layout = new QVBoxLayout(this);
    summary_->setObjectName("diffSummary");
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(summary_);
    auto* row = new QHBoxLayout;
    metric_->setObjectName("diffMetric");
    for (const auto metric : kDiffMetrics)
        metric_->addItem(diffMetricName(metric), int(metric));
    row->addWidget(new QLabel(tr("Colour by"), this));
    row->addWidget(metric_, 1);
    colours_->setObjectName("diffColours");
    colours_->setChecked(true);
    row->addWidget(colours_);
    layout->addLayout(row);
    scale_->setObjectName("diffScale");
    layout->addWidget(scale_);
    detail_->setObjectName("diffDetail");
    detail_->setWordWrap(true);
    detail_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(detail_);
    histogram_->setObjectName("diffHistogram");
    histogram_->setToolTip(tr("Histogram of A − B"));
    layout->addWidget(histogram_);
    view_->setObjectName("diffTable");
    view_->setModel(table_);
    view_->verticalHeader()->hide();
    view_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    layout->addWidget(view_, 1);
    connect(metric_, &QComboBox::currentIndexChanged, this, [this] {
        refresh();
        emit colouringChanged();
    });
    connect(colours_, &QCheckBox::toggled, this, &DiffPanel::colouringChanged);
    refresh();
}

DiffMetric DiffPanel::metric() const {
    return DiffMetric(metric_->currentData().toInt());
}

void DiffPanel::setMetric(DiffMetric metric) {
    metric_->setCurrentIndex(metric_->findData(int(metric)));
}

bool DiffPanel::coloursShown() const {
    return colours_->isChecked();
}

QString DiffPanel::summaryText() const {
    return summary_->text();
}

QString DiffPanel::detailText() const {
    return detail_->text();
}

QString DiffPanel::scaleText() const {
    return scale_->text();
}

void DiffPanel::setDocument(ModelDocument* document) {
    if (document_) disconnect(document_, nullptr, this, nullptr);
    if (document_) disconnect(&document_->selection(), nullptr, this, nullptr);
    document_ = document;
    if (document) {
        connect(&document->selection(), &SelectionModel::changed, this, &DiffPanel::showSelection);
        connect(document, &ModelDocument::diffResultsChanged, this, &DiffPanel::refresh);
    }
    refresh();
}

void DiffPanel::refresh() {
    const auto* results = document_ ? document_->diffResults() : nullptr;
    if (!results) {
        summary_->setText(tr("Nothing compared yet: Model ▸ Diff against… compares the open model "
                             "with another artifact of it or with an ETDump."));
        scale_->setScale(diffMetricName(metric()), std::nullopt,
                         diffMetricHigherIsBetter(metric()));
        clearDetail({});
        return;
    }
    const auto& report = results->report;
    const auto failed = std::count_if(report.rows.begin(), report.rows.end(),
                                      [](const diff::DiffRow& row) { return !row.metrics.pass; });
    QString text = tr("<b>A</b> %1<br><b>B</b> %2<br>%3 of %4 tensors differ")
                       .arg(document_->path().toHtmlEscaped(), results->other.toHtmlEscaped())
                       .arg(failed)
                       .arg(report.rows.size());
    if (const auto* first = report.firstDivergence())
        text += tr("<br>first divergence: <b>%1</b>").arg(placeText(first->a).toHtmlEscaped());
    else
        text += tr("<br>no divergence");
    summary_->setText(text);
    scale_->setScale(diffMetricName(metric()), results->range(metric()),
                     diffMetricHigherIsBetter(metric()));
    showSelection();
}

void DiffPanel::clearDetail(const QString& message) {
    detail_->setText(message);
    histogram_->setCounts({}, {});
    table_->setElements({}, {}, {});
}

void DiffPanel::showSelection() {
    const auto* results = document_ ? document_->diffResults() : nullptr;
    if (!results) return clearDetail({});
    const auto& target = document_->selection().current();
    if (target.kind != SelectionTarget::Kind::Node)
        return clearDetail(tr("Select a node to compare its output on both sides."));
    const auto rows = results->rowsOf(target.graph, target.index);
    if (rows.empty()) return clearDetail(tr("This node's output was not compared."));
    // The first failing output of the node, else its first.
    auto shown = rows.front();
    for (const auto i : rows)
        if (!results->report.rows[i].metrics.pass) {
            shown = i;
            break;
        }
    showRow(results->report.rows[shown]);
}

void DiffPanel::showRow(const diff::DiffRow& row) {
    const auto& m = row.metrics;
    QString text = tr("<b>%1</b> %2<br>A %3<br>B %4")
                       .arg(m.pass ? tr("agrees") : tr("differs"),
                            QString::fromStdString(m.note).toHtmlEscaped(),
                            placeText(row.a).toHtmlEscaped(), placeText(row.b).toHtmlEscaped());
    if (m.compared)
        text += tr("<br>max abs %1 · mean abs %2 · MSE %3 · SNR %4 dB · cosine %5 · "
                   "%6 of %7 elements differ")
                    .arg(number(m.maxAbs), number(m.meanAbs), number(m.mse),
                         m.snrDb ? number(*m.snrDb) : tr("undefined"),
                         m.cosine ? number(*m.cosine) : tr("undefined"))
                    .arg(m.mismatched)
                    .arg(m.count);
    detail_->setText(text);
    if (!row.tensorA.defined() || !row.tensorB.defined() ||
        !runtime::isNumericType(row.tensorA.dtype()) ||
        !runtime::isNumericType(row.tensorB.dtype())) {
        histogram_->setCounts({}, {});
        table_->setElements({}, {}, {});
        return;
    }
    auto a = shownValues(row.tensorA, m.dequantised);
    auto b = shownValues(row.tensorB, m.dequantised);
    std::vector<double> error;
    if (a.size() == b.size()) {
        error.reserve(a.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            if (std::isfinite(a[i]) && std::isfinite(b[i])) error.push_back(a[i] - b[i]);
    }
    const auto stats = tensorStats(error);
    histogram_->setCounts(
        error.empty() ? std::vector<std::size_t>{} : histogram(error, stats, kBins), stats);
    table_->setElements(std::move(a), std::move(b), row.tensorA.shape());
}

} // namespace pteron
