// RFC 4180 comma-separated text split into rows of cells, and typing of single cells.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pteron::vela_report {

struct CsvRow {
    std::size_t line = 0; // 1-based line where the row starts
    std::vector<std::string> cells;
};

// Splits `text` into rows. Quoted cells may hold commas, doubled quotes and line breaks; CRLF and
// LF both end a row; blank lines are skipped; a UTF-8 byte-order mark is ignored. Throws
// FormatError naming line and column for an unterminated quote or text after a closing quote.
std::vector<CsvRow> tokenizeCsv(std::string_view text, const std::string& file,
                                const std::string& format);

// A cell typed by its text: empty, integer, floating point (including nan and inf) or text.
using CsvValue = std::variant<std::monostate, std::int64_t, double, std::string>;

CsvValue typeCell(std::string_view cell);

// The cell as a number when it is one (integers widen to double).
std::optional<double> cellNumber(const CsvValue& value);

} // namespace pteron::vela_report
