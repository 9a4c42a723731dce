#include "parsers/etdump/etdump_values.hpp"

#include "core/format_error.hpp"
#include "core/scalar_type.hpp"
#include "etdump_generated.h"
#include "parsers/etdump/etdump_file.hpp"

#include <limits>

namespace pteron {

namespace {

namespace fbe = fb::etdump;

// Tensors logged without bytes (empty ones) carry this offset.
constexpr std::int64_t kNoBytes = -1;

std::uint64_t elementCount(const Value& value, const DebugValueSource& source,
                           const std::string& path) {
    std::uint64_t count = 1;
    for (auto dim : value.shape) {
        if (dim < 0)
            throw FormatError(source.file, kEtdumpFormat, path + ".sizes",
                              "non-negative sizes, found " + std::to_string(dim));
        const auto size = static_cast<std::uint64_t>(dim);
        if (size != 0 && count > std::numeric_limits<std::uint64_t>::max() / size)
            throw FormatError(source.file, kEtdumpFormat, path + ".sizes",
                              "an element count below 2^64");
        count *= size;
    }
    return count;
}

// Views the tensor's bytes in the debug buffer once the range is known to lie inside it.
void bindBytes(Value& value, std::int64_t offset, const DebugValueSource& source,
               const std::string& path) {
    if (!source.buffer || offset == kNoBytes) return;
    const auto count = elementCount(value, source, path);
    const auto length = dtypeStorageBytes(value.dtype, count);
    const auto size = source.buffer->size();
    if (offset < 0 || static_cast<std::uint64_t>(offset) > size ||
        length > size - static_cast<std::uint64_t>(offset))
        throw FormatError(source.buffer->path(), kEtdumpFormat,
                          atOffset(offset < 0 ? 0 : static_cast<std::uint64_t>(offset), path),
                          std::to_string(length) + " tensor bytes inside the " +
                              std::to_string(size) + "-byte debug buffer");
    const auto whole = ByteView(source.buffer, source.buffer->bytes());
    value.data = whole.sub(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
}

Value tensorValue(const fbe::Tensor& tensor, const DebugValueSource& source,
                  const std::string& path) {
    Value value;
    value.dtype = dtypeFromScalarType(static_cast<std::int8_t>(tensor.scalar_type()));
    value.hasShape = true;
    if (tensor.sizes()) value.shape.assign(tensor.sizes()->begin(), tensor.sizes()->end());
    if (tensor.strides()) {
        std::vector<std::int64_t> strides(tensor.strides()->begin(), tensor.strides()->end());
        value.attributes.push_back({"strides", std::move(strides)});
    }
    value.attributes.push_back({"debug buffer offset", static_cast<std::int64_t>(tensor.offset())});
    bindBytes(value, tensor.offset(), source, path);
    return value;
}

Value scalarValue(AttributeValue scalar) {
    Value value;
    value.kind = ValueKind::Scalar;
    value.scalar = std::move(scalar);
    return value;
}

std::vector<Value> valuesOf(const fbe::Value& entry, const DebugValueSource& source,
                            const std::string& path) {
    std::vector<Value> values;
    switch (entry.val()) {
    case fbe::ValueType::Tensor:
        if (entry.tensor())
            values.push_back(tensorValue(*entry.tensor(), source, path + ".tensor"));
        break;
    case fbe::ValueType::TensorList:
        if (entry.tensor_list() && entry.tensor_list()->tensors()) {
            const auto* tensors = entry.tensor_list()->tensors();
            for (flatbuffers::uoffset_t i = 0; i < tensors->size(); ++i)
                values.push_back(
                    tensorValue(*tensors->Get(i), source,
                                path + ".tensor_list.tensors[" + std::to_string(i) + "]"));
        }
        break;
    case fbe::ValueType::Int:
        if (entry.int_value()) values.push_back(scalarValue(entry.int_value()->int_val()));
        break;
    case fbe::ValueType::Bool:
        if (entry.bool_value()) values.push_back(scalarValue(entry.bool_value()->bool_val()));
        break;
    case fbe::ValueType::Float:
        if (entry.float_value())
            values.push_back(scalarValue(static_cast<double>(entry.float_value()->float_val())));
        break;
    case fbe::ValueType::Double:
        if (entry.double_value()) values.push_back(scalarValue(entry.double_value()->double_val()));
        break;
    default:
        break; // Null, and String which the table cannot carry
    }
    return values;
}

} // namespace

void addDebugEntry(const fbe::Value& entry, const DebugValueSource& source, const std::string& path,
                   Graph& graph, Node& node) {
    const bool programOutput = entry.output() && entry.output()->bool_val();
    auto values = valuesOf(entry, source, path);
    for (std::size_t i = 0; i < values.size(); ++i) {
        auto& value = values[i];
        value.name =
            (node.name.empty() ? "debug" : node.name) + ":" + std::to_string(graph.values.size());
        if (programOutput && value.kind != ValueKind::Scalar) value.kind = ValueKind::Output;
        const auto index = static_cast<std::int64_t>(graph.addValue(std::move(value)));
        if (programOutput) graph.outputs.push_back(index);
        node.outputs.push_back({index, values.size() == 1 ? "value" : "value" + std::to_string(i)});
    }
}

} // namespace pteron
