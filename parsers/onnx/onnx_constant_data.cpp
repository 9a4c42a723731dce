#include "parsers/onnx/onnx_constant_data.hpp"

#include "core/format_error.hpp"
#include "parsers/onnx/onnx_types.hpp"

#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>

namespace pteron {

namespace {

constexpr std::uint64_t kUnknownSize = std::numeric_limits<std::uint64_t>::max();

std::optional<std::uint64_t> elementCount(const ::onnx::TensorProto& tensor) {
    std::uint64_t count = 1;
    for (auto dim : tensor.dims()) {
        if (dim < 0) return std::nullopt;
        const auto size = static_cast<std::uint64_t>(dim);
        if (size != 0 && count > kUnknownSize / size) return std::nullopt;
        count *= size;
    }
    return count;
}

// Appends `value` narrowed to `width` bytes in little-endian order.
template <typename T> void appendNarrowed(std::vector<std::byte>& out, T value, std::size_t width) {
    std::byte bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.insert(out.end(), bytes, bytes + std::min(width, sizeof(T)));
}

template <typename Field> std::vector<std::byte> narrowAll(const Field& field, std::size_t width) {
    std::vector<std::byte> out;
    out.reserve(static_cast<std::size_t>(field.size()) * width);
    for (auto item : field)
        appendNarrowed(out, item, width);
    return out;
}

bool escapesModelFolder(const std::filesystem::path& location) {
    if (location.is_absolute() || location.has_root_name()) return true;
    for (const auto& part : location)
        if (part == "..") return true;
    return false;
}

std::optional<std::uint64_t> parseNumber(const std::string& text) {
    std::uint64_t number = 0;
    const auto* end = text.data() + text.size();
    const auto [at, error] = std::from_chars(text.data(), end, number);
    if (error != std::errc() || at != end || text.empty()) return std::nullopt;
    return number;
}

} // namespace

void OnnxConstantData::fail(const std::string& where, const std::string& expected) const {
    throw FormatError(model_->path(), kOnnxFormat, where, expected);
}

void OnnxConstantData::bind(const ::onnx::TensorProto& tensor, const std::string& graphPath,
                            std::size_t index, const std::string& where, Value& value) {
    const auto elements = elementCount(tensor);
    if (!elements) fail(where + ".dims", "non-negative dims whose product fits in 64 bits");
    const auto bits = dtypeBits(value.dtype);
    const auto expected = bits == 0 ? kUnknownSize : dtypeStorageBytes(value.dtype, *elements);
    if (tensor.data_location() == ::onnx::TensorProto::EXTERNAL) {
        value.attributes.push_back({"data location", EnumValue{"EXTERNAL", 1}});
        bindExternal(tensor, expected, where, value);
    } else if (tensor.has_raw_data()) {
        bindRaw(tensor, graphPath, index, expected, where, value);
    } else if (bits != 0) {
        bindTyped(tensor, *elements, where, value);
    }
}

void OnnxConstantData::bindRaw(const ::onnx::TensorProto& tensor, const std::string& graphPath,
                               std::size_t index, std::uint64_t expected, const std::string& where,
                               Value& value) {
    const auto& raw = tensor.raw_data();
    if (expected != kUnknownSize && raw.size() != expected)
        fail(where + ".raw_data", std::to_string(expected) + " bytes for " + value.typeText() +
                                      ", found " + std::to_string(raw.size()));
    if (raw_) {
        const auto spans = raw_->find(graphPath);
        if (spans != raw_->end() && index < spans->second.size() &&
            spans->second[index].size() == raw.size()) {
            value.data = ByteView(model_, spans->second[index]);
            return;
        }
    }
    value.data = keep(value.name + " (raw data)", std::as_bytes(std::span(raw.data(), raw.size())));
}

void OnnxConstantData::bindExternal(const ::onnx::TensorProto& tensor, std::uint64_t expected,
                                    const std::string& where, Value& value) {
    std::string location;
    std::optional<std::uint64_t> offset = 0;
    std::optional<std::uint64_t> length;
    for (const auto& entry : tensor.external_data()) {
        if (entry.key() == "location") location = entry.value();
        if (entry.key() == "offset") offset = parseNumber(entry.value());
        if (entry.key() == "length") length = parseNumber(entry.value());
        if ((entry.key() == "offset" && !offset) || (entry.key() == "length" && !length))
            fail(where + ".external_data." + entry.key(),
                 "a decimal byte count, found \"" + entry.value() + "\"");
    }
    if (location.empty())
        fail(where + ".external_data", "a \"location\" entry naming the data file");
    value.attributes.push_back({"external location", location});
    value.attributes.push_back({"external offset", static_cast<std::int64_t>(*offset)});
    const auto file = externalFile(location, where + ".external_data.location");
    const auto size = static_cast<std::uint64_t>(file->size());
    if (*offset > size)
        fail(where + ".external_data.offset",
             "an offset inside the " + std::to_string(size) + "-byte file " + location);
    const auto bytes = length ? *length : expected != kUnknownSize ? expected : size - *offset;
    if (bytes > size - *offset)
        fail(where + ".external_data", std::to_string(bytes) + " bytes at offset " +
                                           std::to_string(*offset) + " inside the " +
                                           std::to_string(size) + "-byte file " + location);
    if (expected != kUnknownSize && bytes != expected)
        fail(where + ".external_data.length", std::to_string(expected) + " bytes for " +
                                                  value.typeText() + ", found " +
                                                  std::to_string(bytes));
    value.data = ByteView(file, file->bytes().subspan(static_cast<std::size_t>(*offset),
                                                      static_cast<std::size_t>(bytes)));
}

void OnnxConstantData::bindTyped(const ::onnx::TensorProto& tensor, std::uint64_t elements,
                                 const std::string& where, Value& value) {
    const auto width = static_cast<std::size_t>(dtypeBits(value.dtype) / 8);
    std::vector<std::byte> bytes;
    switch (value.dtype) {
    case DType::Float32:
    case DType::Complex64:
        bytes = narrowAll(tensor.float_data(), 4);
        break;
    case DType::Float64:
    case DType::Complex128:
        bytes = narrowAll(tensor.double_data(), 8);
        break;
    case DType::Int64:
        bytes = narrowAll(tensor.int64_data(), 8);
        break;
    case DType::UInt32:
    case DType::UInt64:
        bytes = narrowAll(tensor.uint64_data(), width);
        break;
    case DType::Int4:
    case DType::UInt4:
        return; // packed nibbles; shown without data
    default:
        bytes = narrowAll(tensor.int32_data(), width);
        break;
    }
    const auto expected = dtypeStorageBytes(value.dtype, elements);
    if (bytes.empty() && expected != 0) return; // no data stored at all
    if (bytes.size() != expected)
        fail(where, std::to_string(elements) + " elements of " +
                        std::string(dtypeName(value.dtype)) + " in the typed data fields, found " +
                        std::to_string(bytes.size()) + " bytes");
    value.data = keep(value.name + " (decoded)", bytes);
}

ByteView OnnxConstantData::keep(std::string name, std::span<const std::byte> bytes) {
    auto owner = MappedFile::fromBytes(std::move(name), bytes);
    copies_.push_back(owner);
    return ByteView(owner, owner->bytes());
}

std::shared_ptr<const MappedFile> OnnxConstantData::externalFile(const std::string& location,
                                                                 const std::string& where) {
    if (const auto found = external_.find(location); found != external_.end()) return found->second;
    const std::filesystem::path relative(location);
    if (escapesModelFolder(relative))
        fail(where, "a data file path inside the model's folder, found \"" + location + "\"");
    const auto path = std::filesystem::path(model_->path()).parent_path() / relative;
    auto file = MappedFile::open(path.string());
    external_.emplace(location, file);
    return file;
}

std::vector<std::shared_ptr<const MappedFile>> OnnxConstantData::files() const {
    std::vector<std::shared_ptr<const MappedFile>> files;
    for (const auto& [location, file] : external_)
        files.push_back(file);
    files.insert(files.end(), copies_.begin(), copies_.end());
    return files;
}

} // namespace pteron
