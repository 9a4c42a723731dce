#include "views/tensor/tensor_panel.hpp"

#include "core/quantity_text.hpp"
#include "runtime/tensor_elements.hpp"
#include "runtime/tensor_file.hpp"
#include "views/tensor/npu_stream_text.hpp"
#include "views/tensor/npy_file.hpp"

#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace pteron {

namespace {
constexpr std::size_t kBins = 48;

QString text(std::string_view view) {
    return QString::fromUtf8(view.data(), static_cast<qsizetype>(view.size()));
}

// The tensor's bytes, and what the file stores when that is more (TOSA pads constant data).
QString storedBytesText(const Value& value, std::uint64_t elements) {
    const auto stored = value.data.size();
    const auto bits = dtypeBits(value.dtype);
    const auto tensorBytes = bits ? (elements * bits + 7) / 8 : stored;
    auto text = QString::fromStdString(countText(tensorBytes, "byte"));
    if (stored > tensorBytes)
        text += QString(" (%1 stored)").arg(QString::fromStdString(countText(stored, "byte")));
    return text;
}
} // namespace

void TensorTableModel::setElements(std::vector<double> elements, std::vector<std::int64_t> shape) {
    beginResetModel();
    elements_ = std::move(elements);
    shape_ = std::move(shape);
    endResetModel();
}

int TensorTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(std::min<std::size_t>(elements_.size(), INT32_MAX));
}

int TensorTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 2;
}

QString TensorTableModel::coordinates(std::size_t flat) const {
    if (shape_.empty()) return QString::number(flat);
    QStringList parts;
    for (auto it = shape_.rbegin(); it != shape_.rend(); ++it) {
        const auto dim = static_cast<std::size_t>(std::max<std::int64_t>(*it, 1));
        parts.prepend(QString::number(flat % dim));
        flat /= dim;
    }
    return "[" + parts.join(",") + "]";
}

QVariant TensorTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || role != Qt::DisplayRole) return {};
    const auto row = static_cast<std::size_t>(index.row());
    if (row >= elements_.size()) return {};
    return index.column() == 0 ? coordinates(row) : QString::number(elements_[row], 'g', 8);
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section;
    return section == 0 ? tr("Index") : tr("Value");
}

void HistogramWidget::setCounts(std::vector<std::size_t> counts, TensorStats stats) {
    counts_ = std::move(counts);
    stats_ = stats;
    update();
}

void HistogramWidget::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), QColor(0xfc, 0xfc, 0xfc));
    if (counts_.empty()) return;
    const auto peak = *std::max_element(counts_.begin(), counts_.end());
    if (peak == 0) return;
    const auto area = rect().adjusted(4, 4, -4, -18);
    const double barWidth = double(area.width()) / double(counts_.size());
    painter.setBrush(QColor(0x4f, 0x8f, 0xd9));
    painter.setPen(Qt::NoPen);
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        const double h = double(area.height()) * double(counts_[i]) / double(peak);
        painter.drawRect(QRectF(area.left() + double(i) * barWidth, area.bottom() - h,
                                std::max(1.0, barWidth - 1), h));
    }
    painter.setPen(Qt::darkGray);
    painter.drawText(rect().adjusted(4, 0, -4, -2), Qt::AlignLeft | Qt::AlignBottom,
                     QString::number(stats_.min, 'g', 5));
    painter.drawText(rect().adjusted(4, 0, -4, -2), Qt::AlignRight | Qt::AlignBottom,
                     QString::number(stats_.max, 'g', 5));
}

TensorPanel::TensorPanel(QWidget* parent)
    : QWidget(parent), info_(new QLabel(this)), histogram_(new HistogramWidget(this)),
      table_(new QTableView(this)), model_(new TensorTableModel(this)),
      save_(new QPushButton(tr("Save as .npy…"), this)) {
    auto* layout = new QVBoxLayout(this);
    info_->setObjectName("tensorInfo");
    info_->setWordWrap(true);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(info_);
    layout->addWidget(histogram_);
    table_->setModel(model_);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table_, 1);
    save_->setObjectName("saveNpyButton");
    layout->addWidget(save_);
    connect(save_, &QPushButton::clicked, this, [this] {
        const auto path = QFileDialog::getSaveFileName(this, tr("Save tensor"), QString(),
                                                       tr("NumPy array (*.npy)"));
        if (path.isEmpty()) return;
        const auto error = saveNpy(path);
        if (!error.isEmpty()) QMessageBox::warning(this, tr("Save tensor"), error);
    });
    clearView(tr("Select a constant (or a node that has one) to see its values."));
}

void TensorPanel::setDocument(ModelDocument* document) {
    if (document_) {
        disconnect(&document_->selection(), nullptr, this, nullptr);
        disconnect(document_, &ModelDocument::runResultsChanged, this, nullptr);
    }
    document_ = document;
    if (document) {
        connect(&document->selection(), &SelectionModel::changed, this, &TensorPanel::refresh);
        connect(document, &ModelDocument::runResultsChanged, this, &TensorPanel::refresh);
    }
    refresh();
}

QString TensorPanel::infoText() const {
    return info_->text();
}

void TensorPanel::clearView(const QString& message) {
    shown_.reset();
    info_->setText(message);
    histogram_->setCounts({}, {});
    model_->setElements({}, {});
    save_->setEnabled(false);
}

// Shows the selected value, or the first constant operand of the selected node.
void TensorPanel::refresh() {
    if (!document_) return clearView({});
    const auto& target = document_->selection().current();
    const auto& graphs = document_->model().graphs;
    if (target.graph >= graphs.size()) return clearView({});
    const auto& graph = graphs[target.graph];
    if (target.kind == SelectionTarget::Kind::Value)
        return show(target.graph, static_cast<std::int64_t>(target.index));
    if (target.kind == SelectionTarget::Kind::Node && target.index < graph.nodes.size()) {
        // After a run, a node shows what it computed; before, its first constant operand.
        if (const auto* results = document_->runResults())
            for (const auto& output : graph.nodes[target.index].outputs)
                if (results->find(target.graph, output.value))
                    return show(target.graph, output.value);
        for (const auto& input : graph.nodes[target.index].inputs) {
            const auto* value = graph.value(input.value);
            if (value && !value->data.empty()) return show(target.graph, input.value);
        }
    }
    clearView(document_->runResults() ? tr("Nothing computed or constant is selected.")
                                      : tr("No constant selected; run the model (Model ▸ Run) "
                                           "to see activations."));
}

const Value* TensorPanel::shownValuePtr() const {
    if (!document_ || !shown_) return nullptr;
    const auto& graphs = document_->model().graphs;
    return shown_->first < graphs.size() ? graphs[shown_->first].value(shown_->second) : nullptr;
}

const runtime::Tensor* TensorPanel::computedTensor(std::size_t graph, std::int64_t value) const {
    const auto* results = document_ ? document_->runResults() : nullptr;
    return results ? results->find(graph, value) : nullptr;
}

void TensorPanel::showComputed(const Value& value, const runtime::Tensor& tensor) {
    save_->setEnabled(true);
    auto header = QString("<b>%1</b><br>%2 computed by the runtime · %3")
                      .arg(QString::fromStdString(value.name).toHtmlEscaped(),
                           text(valueKindName(value.kind)),
                           QString::fromStdString(tensor.typeText()).toHtmlEscaped());
    if (!runtime::isNumericType(tensor.dtype())) {
        info_->setText(header);
        histogram_->setCounts({}, {});
        model_->setElements({}, {});
        return;
    }
    auto elements = runtime::toDoubles(tensor);
    const auto stats = tensorStats(elements);
    info_->setText(header + QString("<br>%1 · min %2 · max %3 · mean %4")
                                .arg(QString::fromStdString(countText(stats.count, "element")))
                                .arg(stats.min, 0, 'g', 6)
                                .arg(stats.max, 0, 'g', 6)
                                .arg(stats.mean, 0, 'g', 6));
    histogram_->setCounts(histogram(elements, stats, kBins), stats);
    model_->setElements(std::move(elements), tensor.shape());
}

void TensorPanel::show(std::size_t graph, std::int64_t valueIndex) {
    const auto* value = document_->model().graphs[graph].value(valueIndex);
    if (!value) return clearView(tr("No such value."));
    shown_ = {graph, valueIndex};
    if (const auto* tensor = computedTensor(graph, valueIndex); tensor && value->data.empty())
        return showComputed(*value, *tensor);
    const auto& owner = document_->model().graphs[graph];
    if (const auto use = npuStreamUse(owner, valueIndex)) {
        // Encoded bytes have no elements: no histogram, no table, nothing to save as .npy.
        clearView(QString("<b>%1</b><br>%2")
                      .arg(QString::fromStdString(value->name).toHtmlEscaped(),
                           npuStreamText(owner, *value, *use).toHtmlEscaped()));
        shown_ = {graph, valueIndex};
        return;
    }
    auto header = QString("<b>%1</b><br>%2 · %3 · shape %4")
                      .arg(QString::fromStdString(value->name).toHtmlEscaped(),
                           text(valueKindName(value->kind)), text(dtypeName(value->dtype)),
                           QString::fromStdString(value->typeText()).toHtmlEscaped());
    const auto elements = value->data.empty() ? std::nullopt : decodeElements(*value);
    save_->setEnabled(canWriteNpy(*value));
    if (!elements) {
        info_->setText(header + "<br>" +
                       (value->data.empty() ? tr("not a constant: no data in the file")
                                            : tr("%1; this element type is not decoded")
                                                  .arg(QString::fromStdString(
                                                      countText(value->data.size(), "byte")))));
        histogram_->setCounts({}, {});
        model_->setElements({}, {});
        return;
    }
    const auto stats = tensorStats(*elements);
    info_->setText(header + QString("<br>%1 · %2 at offset 0x%3<br>"
                                    "min %4 · max %5 · mean %6")
                                .arg(QString::fromStdString(countText(stats.count, "element")))
                                .arg(storedBytesText(*value, stats.count))
                                .arg(value->data.fileOffset(), 0, 16)
                                .arg(stats.min, 0, 'g', 6)
                                .arg(stats.max, 0, 'g', 6)
                                .arg(stats.mean, 0, 'g', 6));
    histogram_->setCounts(histogram(*elements, stats, kBins), stats);
    model_->setElements(*elements, value->hasShape ? value->shape : std::vector<std::int64_t>{});
}

QString TensorPanel::saveNpy(const QString& path) const {
    const auto* value = shownValuePtr();
    if (!value) return tr("No tensor is shown.");
    if (const auto* tensor = computedTensor(shown_->first, shown_->second);
        tensor && value->data.empty())
        return QString::fromStdString(runtime::writeNpyTensor(path.toStdString(), *tensor));
    return QString::fromStdString(writeNpy(*value, path.toStdString()));
}

} // namespace pteron
