#include "parsers/vela_report/csv_table.hpp"

#include "core/format_error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace pteron::vela_report {
namespace {

// Walks the text once, tracking line and column for error messages.
class CsvScanner {
  public:
    CsvScanner(std::string_view text, const std::string& file, const std::string& format)
        : text_(text), file_(file), format_(format) {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    }

    std::vector<CsvRow> rows() {
        std::vector<CsvRow> rows;
        while (pos_ < text_.size()) {
            CsvRow row = nextRow();
            const bool blank = row.cells.size() == 1 && row.cells.front().empty() && !quotedRow_;
            if (!blank) rows.push_back(std::move(row));
        }
        return rows;
    }

  private:
    CsvRow nextRow() {
        CsvRow row;
        row.line = line_;
        quotedRow_ = false;
        while (true) {
            row.cells.push_back(nextCell());
            if (pos_ >= text_.size()) return row;
            const char c = text_[pos_];
            if (c == ',') {
                advance();
                continue;
            }
            endLine();
            return row;
        }
    }

    std::string nextCell() {
        if (pos_ < text_.size() && text_[pos_] == '"') return quotedCell();
        const std::size_t start = pos_;
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == ',' || c == '\n' || c == '\r') break;
            if (c == '"') fail("a quote only at the start of a quoted cell");
            advance();
        }
        return std::string(text_.substr(start, pos_ - start));
    }

    std::string quotedCell() {
        quotedRow_ = true;
        const std::size_t openLine = line_;
        const std::size_t openColumn = column_;
        advance();
        std::string cell;
        while (true) {
            if (pos_ >= text_.size())
                throw FormatError(file_, format_,
                                  "line " + std::to_string(openLine) + ", column " +
                                      std::to_string(openColumn),
                                  "a closing quote for the quoted cell");
            const char c = text_[pos_];
            if (c == '"') {
                advance();
                if (pos_ < text_.size() && text_[pos_] == '"') {
                    cell.push_back('"');
                    advance();
                    continue;
                }
                break;
            }
            if (c == '\r' || c == '\n') {
                cell.push_back('\n');
                endLine();
                continue;
            }
            cell.push_back(c);
            advance();
        }
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
            fail("a comma or line end after a closing quote");
        return cell;
    }

    // Consumes one LF, CRLF or lone CR.
    void endLine() {
        if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        ++line_;
        column_ = 1;
    }

    void advance() {
        ++pos_;
        ++column_;
    }

    [[noreturn]] void fail(const std::string& expected) const {
        throw FormatError(file_, format_,
                          "line " + std::to_string(line_) + ", column " + std::to_string(column_),
                          expected);
    }

    std::string_view text_;
    const std::string& file_;
    const std::string& format_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t column_ = 1;
    bool quotedRow_ = false;
};

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// nan, inf and infinity in any case, optionally signed, as Python and C++ writers print them.
bool specialNumber(std::string_view cell, double& out) {
    bool negative = false;
    if (!cell.empty() && (cell.front() == '-' || cell.front() == '+')) {
        negative = cell.front() == '-';
        cell.remove_prefix(1);
    }
    const std::string word = lowered(cell);
    if (word == "nan") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (word == "inf" || word == "infinity") {
        out = negative ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
        return true;
    }
    return false;
}

bool looksInteger(std::string_view cell) {
    if (!cell.empty() && (cell.front() == '-' || cell.front() == '+')) cell.remove_prefix(1);
    return !cell.empty() &&
           std::all_of(cell.begin(), cell.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::vector<CsvRow> tokenizeCsv(std::string_view text, const std::string& file,
                                const std::string& format) {
    return CsvScanner(text, file, format).rows();
}

CsvValue typeCell(std::string_view cell) {
    while (!cell.empty() && cell.front() == ' ')
        cell.remove_prefix(1);
    while (!cell.empty() && cell.back() == ' ')
        cell.remove_suffix(1);
    if (cell.empty()) return std::monostate{};
    double special = 0;
    if (specialNumber(cell, special)) return special;
    const std::string_view digits = cell.front() == '+' ? cell.substr(1) : cell;
    if (looksInteger(cell)) {
        std::int64_t integer = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), integer);
        if (error == std::errc() && end == digits.data() + digits.size()) return integer;
    }
    double number = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number,
                                              std::chars_format::general);
    if (error == std::errc() && end == digits.data() + digits.size() && !digits.empty() &&
        (std::isdigit(static_cast<unsigned char>(digits.front())) || digits.front() == '-' ||
         digits.front() == '.'))
        return number;
    return std::string(cell);
}

std::optional<double> cellNumber(const CsvValue& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value))
        return static_cast<double>(*integer);
    if (const auto* number = std::get_if<double>(&value)) return *number;
    return std::nullopt;
}

} // namespace pteron::vela_report
