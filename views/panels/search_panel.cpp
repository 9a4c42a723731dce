#include "views/panels/search_panel.hpp"

#include "views/graph/node_placement.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

namespace pteron {

SearchPanel::SearchPanel(QWidget* parent)
    : QWidget(parent), edit_(new QLineEdit(this)), field_(new QComboBox(this)),
      results_(new QListWidget(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* row = new QHBoxLayout;
    edit_->setObjectName("searchEdit");
    edit_->setPlaceholderText(tr("Search nodes…"));
    edit_->setClearButtonEnabled(true);
    field_->addItem(tr("Any"), int(SearchField::Any));
    field_->addItem(tr("Name"), int(SearchField::Name));
    field_->addItem(tr("Operator"), int(SearchField::Operator));
    field_->addItem(tr("Backend"), int(SearchField::Backend));
    field_->addItem(tr("DType"), int(SearchField::DType));
    field_->addItem(tr("Shape"), int(SearchField::Shape));
    auto* previous = new QToolButton(this);
    previous->setText("▲");
    previous->setToolTip(tr("Previous result (Shift+F3)"));
    auto* next = new QToolButton(this);
    next->setText("▼");
    next->setToolTip(tr("Next result (F3)"));
    row->addWidget(edit_, 1);
    row->addWidget(field_);
    row->addWidget(previous);
    row->addWidget(next);
    layout->addLayout(row);
    results_->setObjectName("searchResults");
    layout->addWidget(results_, 1);

    connect(edit_, &QLineEdit::textChanged, this, &SearchPanel::run);
    connect(edit_, &QLineEdit::returnPressed, this, &SearchPanel::next);
    connect(field_, &QComboBox::currentIndexChanged, this, &SearchPanel::run);
    connect(previous, &QToolButton::clicked, this, &SearchPanel::previous);
    connect(next, &QToolButton::clicked, this, &SearchPanel::next);
    connect(results_, &QListWidget::currentRowChanged, this, &SearchPanel::selectHit);
}

void SearchPanel::setDocument(ModelDocument* document) {
    if (document == document_) return;
    saveSearch();
    document_ = document;
    restoreSearch();
}

QString SearchPanel::text() const {
    return edit_->text();
}

int SearchPanel::currentRow() const {
    return results_->currentRow();
}

void SearchPanel::saveSearch() {
    if (!document_) return;
    if (!saved_.contains(document_.data()))
        connect(document_.data(), &QObject::destroyed, this,
                [this, key = document_.data()] { saved_.erase(key); });
    saved_[document_.data()] = {edit_->text(), field_->currentIndex(), results_->currentRow()};
}

// Each tab keeps its own search: the text, the field and the chosen result come back with it,
// without selecting anything anew.
void SearchPanel::restoreSearch() {
    const auto found = document_ ? saved_.find(document_.data()) : saved_.end();
    const auto saved = found == saved_.end() ? SavedSearch{} : found->second;
    const QSignalBlocker editBlock(edit_);
    const QSignalBlocker fieldBlock(field_);
    edit_->setText(saved.text);
    field_->setCurrentIndex(saved.field);
    run();
    const QSignalBlocker resultsBlock(results_);
    if (saved.row >= 0 && saved.row < results_->count()) results_->setCurrentRow(saved.row);
}

void SearchPanel::focusSearch() {
    edit_->setFocus();
    edit_->selectAll();
}

void SearchPanel::search(const QString& text, SearchField field) {
    field_->setCurrentIndex(field_->findData(int(field)));
    edit_->setText(text);
    run();
}

void SearchPanel::run() {
    results_->blockSignals(true);
    results_->clear();
    hits_.clear();
    if (document_) {
        const auto field = static_cast<SearchField>(field_->currentData().toInt());
        hits_ = searchNodes(document_->model(), edit_->text().toStdString(), field);
        const auto& graphs = document_->model().graphs;
        for (const auto& hit : hits_) {
            const auto& graph = graphs[hit.graph];
            const auto& node = graph.nodes[hit.node];
            results_->addItem(
                QString("%1  #%2 %3  [%4]")
                    .arg(QString::fromStdString(graph.id))
                    .arg(hit.node)
                    .arg(QString::fromStdString(node.name.empty() ? node.op : node.name))
                    .arg(QString::fromStdString(nodePlacement(graph, node).backend)));
        }
    }
    results_->blockSignals(false);
}

void SearchPanel::selectHit(int row) {
    if (!document_ || row < 0 || row >= int(hits_.size())) return;
    const auto& hit = hits_[std::size_t(row)];
    document_->selection().select({SelectionTarget::Kind::Node, hit.graph, hit.node});
}

void SearchPanel::next() {
    if (hits_.empty()) return;
    results_->setCurrentRow((results_->currentRow() + 1) % int(hits_.size()));
}

void SearchPanel::previous() {
    if (hits_.empty()) return;
    const int count = int(hits_.size());
    results_->setCurrentRow((results_->currentRow() - 1 + count) % count);
}

} // namespace pteron
