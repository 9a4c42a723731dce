// A read-only item model over one ReportTable: every row and column, numbers right-aligned and
// sortable by value, and an optional column whose text names the node a row belongs to.
#pragma once

#include "core/report_table.hpp"

#include <QAbstractTableModel>

#include <string>

namespace pteron {

class ReportTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    // Role giving a cell's raw value (number or text) so a proxy sorts numbers numerically.
    static constexpr int kSortRole = Qt::UserRole;

    // `nodeColumn` names the column identifying a row's node; its empty cells get a tooltip
    // saying no node matched the row.
    explicit ReportTableModel(ReportTable table, std::string nodeColumn = {},
                              QObject* parent = nullptr);

    const ReportTable& table() const { return table_; }
    // Text of `row`'s node column, empty when the row names no node.
    std::string nodeOf(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    ReportTable table_;
    std::string nodeColumn_;
};

} // namespace pteron
