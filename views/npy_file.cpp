#include "views/npy_file.hpp"

#include "views/tensor_elements.hpp"

#include <cstring>
#include <fstream>
#include <optional>

namespace pteron {

namespace {

std::optional<std::string> numpyDescr(DType type) {
    switch (type) {
    case DType::Float32:
    case DType::BFloat16:
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
    case DType::Bool:
        return "|b1";
    default:
        return std::nullopt;
    }
}

std::string shapeTuple(const Value& value, std::uint64_t count) {
    if (!value.hasShape) return "(" + std::to_string(count) + ",)";
    std::string text = "(";
    for (auto dim : value.shape)
        text += std::to_string(dim) + ", ";
    if (value.shape.size() == 1)
        text.pop_back();
    else if (!value.shape.empty())
        text.resize(text.size() - 2);
    return text + ")";
}

// Header padded with spaces so the data starts on a 64-byte boundary.
std::string npyHeader(const std::string& descr, const std::string& shape) {
    std::string dict =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
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
    return header + dict;
}

} // namespace

bool canWriteNpy(const Value& value) {
    return !value.data.empty() && numpyDescr(value.dtype) && canDecodeElements(value.dtype);
}

std::string writeNpy(const Value& value, const std::string& path) {
    const auto descr = numpyDescr(value.dtype);
    const auto elements = decodeElements(value);
    if (!descr || !elements) return "this tensor's element type cannot be saved as .npy";
    std::ofstream out(path, std::ios::binary);
    if (!out) return "cannot write " + path;
    out << npyHeader(*descr, shapeTuple(value, elements->size()));
    if (value.dtype == DType::BFloat16) {
        for (auto item : *elements) {
            const auto narrow = static_cast<float>(item);
            out.write(reinterpret_cast<const char*>(&narrow), sizeof narrow);
        }
    } else {
        const auto bytes = value.data.bytes();
        const auto used = dtypeStorageBytes(value.dtype, elements->size());
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(std::min<std::uint64_t>(used, bytes.size())));
    }
    return out ? std::string{} : "writing " + path + " failed";
}

} // namespace pteron
