#include "views/panels/report_table_model.hpp"

#include <QLocale>

namespace pteron {

namespace {

bool isNumber(const AttributeValue& value) {
    return std::holds_alternative<std::int64_t>(value) || std::holds_alternative<double>(value);
}

QString displayText(const AttributeValue& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value))
        return QLocale().toString(qlonglong(*integer));
    if (const auto* real = std::get_if<double>(&value))
        return QLocale().toString(*real, 'g', QLocale::FloatingPointShortest);
    if (std::holds_alternative<std::monostate>(value)) return {};
    return QString::fromStdString(toString(value, 64));
}

QVariant sortValue(const AttributeValue& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value)) return qlonglong(*integer);
    if (const auto* real = std::get_if<double>(&value)) return *real;
    return displayText(value);
}

} // namespace

ReportTableModel::ReportTableModel(ReportTable table, std::string nodeColumn, QObject* parent)
    : QAbstractTableModel(parent), table_(std::move(table)), nodeColumn_(std::move(nodeColumn)) {}

std::string ReportTableModel::nodeOf(int row) const {
    if (row < 0 || nodeColumn_.empty()) return {};
    const auto* cell = table_.cell(std::size_t(row), nodeColumn_);
    if (const auto* text = cell ? std::get_if<std::string>(cell) : nullptr) return *text;
    return {};
}

int ReportTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(table_.rows.size());
}

int ReportTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(table_.columns.size());
}

QVariant ReportTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || std::size_t(index.row()) >= table_.rows.size()) return {};
    const auto& row = table_.rows[std::size_t(index.row())];
    if (std::size_t(index.column()) >= row.size()) return {};
    const auto& value = row[std::size_t(index.column())];
    switch (role) {
    case Qt::DisplayRole:
        return displayText(value);
    case kSortRole:
        return sortValue(value);
    case Qt::TextAlignmentRole:
        if (isNumber(value)) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (!nodeColumn_.empty() && nodeOf(index.row()).empty())
            return tr("No node matched this row");
        return {};
    default:
        return {};
    }
}

QVariant ReportTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    if (section < 0 || std::size_t(section) >= table_.columns.size()) return {};
    return QString::fromStdString(table_.columns[std::size_t(section)]);
}

} // namespace pteron
