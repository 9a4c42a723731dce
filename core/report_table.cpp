#include "core/report_table.hpp"

namespace pteron {

std::optional<std::size_t> ReportTable::columnIndex(std::string_view column) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == column) return i;
    return std::nullopt;
}

const AttributeValue* ReportTable::cell(std::size_t row, std::string_view column) const {
    const auto index = columnIndex(column);
    if (!index || row >= rows.size() || *index >= rows[row].size()) return nullptr;
    return &rows[row][*index];
}

} // namespace pteron
