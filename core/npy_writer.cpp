#include "core/npy_writer.hpp"

#include <fstream>

namespace pteron {

std::optional<std::string> npyDescr(DType type) {
    switch (type) {
    case DType::Float32:
        return "<f4";
    case DType::Float64:
        return "<f8";
    case DType::Float16:
        return "<f2";
    case DType::Int8:
    case DType::QInt8:
        return "|i1";
    case DType::UInt8:
    case DType::QUInt8:
        return "|u1";
    case DType::Int16:
        return "<i2";
    case DType::UInt16:
        return "<u2";
    case DType::Int32:
    case DType::QInt32:
        return "<i4";
    case DType::UInt32:
        return "<u4";
    case DType::Int64:
        return "<i8";
    case DType::UInt64:
        return "<u8";
    case DType::Bool:
        return "|b1";
    default:
        return std::nullopt;
    }
}

namespace {

std::string shapeTuple(std::span<const std::int64_t> shape) {
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) text += ",";
    return text + ")";
}

} // namespace

std::vector<std::byte> npyBytes(DType type, std::span<const std::int64_t> shape,
                                std::span<const std::byte> elements) {
    const auto descr = npyDescr(type).value_or("|V1");
    std::string dict =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeTuple(shape) + ", }";
    // Data starts on a 64-byte boundary: magic (6), version (2), length (2), dict, newline.
    const std::size_t preamble = 10;
    const auto total = (preamble + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - preamble - dict.size() - 1, ' ');
    dict += '\n';
    std::string header = "\x93NUMPY";
    header += '\x01';
    header += '\x00';
    const auto length = static_cast<std::uint16_t>(dict.size());
    header += static_cast<char>(length & 0xff);
    header += static_cast<char>(length >> 8);
    header += dict;
    std::vector<std::byte> bytes(header.size() + elements.size());
    for (std::size_t i = 0; i < header.size(); ++i)
        bytes[i] = static_cast<std::byte>(header[i]);
    std::copy(elements.begin(), elements.end(),
              bytes.begin() + static_cast<std::ptrdiff_t>(header.size()));
    return bytes;
}

std::string writeNpyFile(const std::string& path, DType type, std::span<const std::int64_t> shape,
                         std::span<const std::byte> elements) {
    if (!npyDescr(type))
        return "element type " + std::string(dtypeName(type)) + " has no .npy form";
    const auto bytes = npyBytes(type, shape, elements);
    std::ofstream out(path, std::ios::binary);
    if (!out) return "cannot write " + path;
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return out ? std::string{} : "writing " + path + " failed";
}

} // namespace pteron
