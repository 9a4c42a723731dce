#include "core/npy_array.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace pteron {
namespace {

const std::string kFormat = "npy";
constexpr std::string_view kMagic = "\x93NUMPY";
// NumPy refuses headers past this size too; it bounds the parser's work.
constexpr std::uint64_t kMaxHeader = 1 << 20;

struct Header {
    std::string descr;
    bool fortranOrder = false;
    bool haveDescr = false;
    bool haveOrder = false;
    bool haveShape = false;
    std::vector<std::int64_t> shape;
};

// Reads the Python dict literal NumPy writes: {'descr': '<u1', 'fortran_order': False,
// 'shape': (3, 4), }.
class HeaderParser {
  public:
    HeaderParser(std::string_view text, const std::string& file, std::string where)
        : text_(text), file_(file), where_(std::move(where)) {}

    Header parse() {
        Header header;
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}') break;
            const std::string key = quoted();
            expect(':');
            value(key, header);
            skipSpace();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() != '}') fail("',' or '}' in the header dictionary");
        }
        if (!header.haveDescr || !header.haveOrder || !header.haveShape)
            fail("the keys descr, fortran_order and shape");
        return header;
    }

  private:
    void value(const std::string& key, Header& header) {
        skipSpace();
        if (key == "descr") {
            if (peek() == '[') fail("a simple dtype; structured arrays are not supported");
            header.descr = quoted();
            header.haveDescr = true;
        } else if (key == "fortran_order") {
            header.fortranOrder = boolean();
            header.haveOrder = true;
        } else if (key == "shape") {
            header.shape = tuple();
            header.haveShape = true;
        } else {
            fail("only descr, fortran_order and shape, found key '" + key + "'");
        }
    }

    std::string quoted() {
        skipSpace();
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("a quoted string");
        const std::size_t start = ++pos_;
        while (pos_ < text_.size() && text_[pos_] != quote)
            ++pos_;
        if (pos_ >= text_.size()) fail("a closing quote");
        return std::string(text_.substr(start, pos_++ - start));
    }

    bool boolean() {
        if (text_.substr(pos_, 4) == "True") {
            pos_ += 4;
            return true;
        }
        if (text_.substr(pos_, 5) == "False") {
            pos_ += 5;
            return false;
        }
        fail("True or False");
    }

    std::vector<std::int64_t> tuple() {
        expect('(');
        std::vector<std::int64_t> dims;
        while (true) {
            skipSpace();
            if (peek() == ')') break;
            dims.push_back(integer());
            skipSpace();
            if (peek() == ',')
                ++pos_;
            else if (peek() != ')')
                fail("',' or ')' in the shape");
            if (dims.size() > 64) fail("a shape of at most 64 dimensions");
        }
        ++pos_;
        return dims;
    }

    std::int64_t integer() {
        std::int64_t value = 0;
        const std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            if (value > (INT64_MAX - 9) / 10) fail("a dimension that fits 64 bits");
            value = value * 10 + (text_[pos_++] - '0');
        }
        if (pos_ == start) fail("a non-negative dimension");
        if (peek() == 'L') ++pos_; // Python 2 long suffix
        return value;
    }

    void expect(char c) {
        skipSpace();
        if (peek() != c) fail(std::string("'") + c + "'");
        ++pos_;
    }
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    void skipSpace() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\t' || text_[pos_] == '\r'))
            ++pos_;
    }
    [[noreturn]] void fail(const std::string& expected) const {
        throw FormatError(file_, kFormat, where_ + " header character " + std::to_string(pos_),
                          expected);
    }

    std::string_view text_;
    const std::string& file_;
    std::string where_;
    std::size_t pos_ = 0;
};

// Splits "<u1" into byte order, kind and item size.
void applyDescr(NpyArray& array, const LittleEndianReader& in, std::uint64_t at) {
    const std::string& descr = array.descr;
    if (descr.size() < 2 || std::string_view("<>|=").find(descr[0]) == std::string_view::npos)
        in.fail(at, "a dtype like '<i4', found '" + descr + "'");
    array.bigEndian = descr[0] == '>';
    array.kind = descr[1];
    if (std::string_view("biufcSUVOMm").find(array.kind) == std::string_view::npos)
        in.fail(at, "a known dtype kind, found '" + descr + "'");
    const std::string digits = descr.substr(2);
    if (digits.empty() || digits.size() > 6 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (array.kind == 'O' && digits.empty()) return;
        in.fail(at, "a dtype item size, found '" + descr + "'");
    }
    array.itemSize = std::stoul(digits);
    const bool numeric = array.numeric();
    const bool validSize =
        array.itemSize == 1 || array.itemSize == 2 || array.itemSize == 4 || array.itemSize == 8;
    if ((numeric && !validSize) || (array.kind == 'b' && array.itemSize != 1) ||
        (array.kind == 'f' && array.itemSize == 1) || (!numeric && array.itemSize == 0))
        in.fail(at, "a supported item size, found '" + descr + "'");
}

std::optional<std::uint64_t> elementCount(const std::vector<std::int64_t>& shape) {
    std::uint64_t count = 1;
    for (auto dim : shape) {
        const auto d = static_cast<std::uint64_t>(dim);
        if (d != 0 && count > UINT64_MAX / d) return std::nullopt;
        count *= d;
    }
    return count;
}

std::uint64_t rawBits(const NpyArray& array, std::uint64_t index) {
    unsigned char bytes[8] = {};
    std::memcpy(bytes, array.data.bytes().data() + index * array.itemSize, array.itemSize);
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < array.itemSize; ++i) {
        const std::size_t from = array.bigEndian ? array.itemSize - 1 - i : i;
        bits |= static_cast<std::uint64_t>(bytes[from]) << (8 * i);
    }
    return bits;
}

double halfToDouble(std::uint16_t half) {
    const int exponent = (half >> 10) & 0x1F;
    const int mantissa = half & 0x3FF;
    const double sign = (half & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0) return sign * std::ldexp(mantissa, -24);
    if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
    return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

} // namespace

DType NpyArray::dtype() const {
    switch (kind) {
    case 'b':
        return DType::Bool;
    case 'i':
        return itemSize == 1   ? DType::Int8
               : itemSize == 2 ? DType::Int16
               : itemSize == 4 ? DType::Int32
                               : DType::Int64;
    case 'u':
        return itemSize == 1   ? DType::UInt8
               : itemSize == 2 ? DType::UInt16
               : itemSize == 4 ? DType::UInt32
                               : DType::UInt64;
    case 'f':
        return itemSize == 2 ? DType::Float16 : itemSize == 4 ? DType::Float32 : DType::Float64;
    case 'c':
        return itemSize == 8    ? DType::Complex64
               : itemSize == 16 ? DType::Complex128
                                : DType::Unknown;
    case 'S':
    case 'U':
        return DType::String;
    default:
        return DType::Unknown;
    }
}

std::int64_t NpyArray::integerAt(std::uint64_t index) const {
    if (kind == 'f') {
        const double value = realAt(index);
        if (!std::isfinite(value) || std::fabs(value) >= 9.2e18) return 0;
        return static_cast<std::int64_t>(value);
    }
    const std::uint64_t bits = rawBits(*this, index);
    if (kind != 'i' || itemSize == 8) return static_cast<std::int64_t>(bits);
    const unsigned shift = static_cast<unsigned>(64 - 8 * itemSize);
    return static_cast<std::int64_t>(bits << shift) >> shift; // sign-extend
}

double NpyArray::realAt(std::uint64_t index) const {
    if (kind != 'f') return static_cast<double>(integerAt(index));
    const std::uint64_t bits = rawBits(*this, index);
    if (itemSize == 2) return halfToDouble(static_cast<std::uint16_t>(bits));
    if (itemSize == 4) {
        float value = 0;
        const auto narrow = static_cast<std::uint32_t>(bits);
        std::memcpy(&value, &narrow, sizeof value);
        return value;
    }
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

std::vector<std::int64_t> NpyArray::integers() const {
    std::vector<std::int64_t> values;
    if (!numeric()) return values;
    values.reserve(elementCount);
    for (std::uint64_t i = 0; i < elementCount; ++i)
        values.push_back(integerAt(i));
    return values;
}

NpyArray parseNpy(const ByteView& bytes, const std::string& file, const std::string& where) {
    const LittleEndianReader in(bytes.bytes(), file + " (" + where + ")", kFormat);
    if (!hasTag(bytes.bytes(), 0, kMagic)) in.fail(0, "the .npy magic \\x93NUMPY");
    const std::uint8_t major = in.u8(6, "major version");
    if (major < 1 || major > 3)
        in.fail(6, "format version 1, 2 or 3, found " + std::to_string(major));
    const std::uint64_t lengthSize = major == 1 ? 2 : 4;
    const std::uint64_t headerLength =
        major == 1 ? in.u16(8, "header length") : in.u32(8, "header length");
    if (headerLength > kMaxHeader) in.fail(8, "a header shorter than 1 MiB");
    const std::uint64_t headerStart = 8 + lengthSize;
    const std::string text = in.text(headerStart, headerLength, "header");
    const Header header = HeaderParser(text, file, where).parse();

    NpyArray array;
    array.descr = header.descr;
    array.fortranOrder = header.fortranOrder;
    array.shape = header.shape;
    applyDescr(array, in, headerStart);
    const auto count = elementCount(array.shape);
    if (!count) in.fail(headerStart, "a shape whose element count fits 64 bits");
    array.elementCount = *count;
    const std::uint64_t dataStart = headerStart + headerLength;
    if (array.kind == 'O') {
        in.bytes(dataStart, 0, "object data");
        array.data = bytes.sub(dataStart, bytes.size() - dataStart);
        return array;
    }
    if (array.itemSize && array.elementCount > UINT64_MAX / array.itemSize)
        in.fail(headerStart, "a data size that fits 64 bits");
    const std::uint64_t dataSize = array.elementCount * array.itemSize;
    in.bytes(dataStart, dataSize, "array data");
    array.data = bytes.sub(dataStart, dataSize);
    return array;
}

} // namespace pteron
