// A table of figures a tool reported about a model (per-layer performance rows), kept generic so
// views can show any report as rows and columns without knowing its format.
#pragma once

#include "core/attribute.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

struct ReportTable {
    std::string name;   // "vela.per_layer"
    std::string source; // file the rows came from
    std::vector<std::string> columns;
    // One cell per column: text, integer, real or empty (std::monostate).
    std::vector<std::vector<AttributeValue>> rows;

    // Index of the column called `column`, if any.
    std::optional<std::size_t> columnIndex(std::string_view column) const;
    // The cell of `row` in `column`, or nullptr when either does not exist.
    const AttributeValue* cell(std::size_t row, std::string_view column) const;
};

} // namespace pteron
