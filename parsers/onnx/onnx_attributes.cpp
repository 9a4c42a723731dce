#include "parsers/onnx/onnx_attributes.hpp"

#include "parsers/onnx/onnx_types.hpp"

#include <algorithm>

namespace pteron {

namespace {

using Proto = ::onnx::AttributeProto;

// Attribute strings are bytes; text that is not printable is kept as a blob.
AttributeValue textOrBlob(const std::string& bytes) {
    const bool printable = std::all_of(bytes.begin(), bytes.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0x20 || byte == '\n' || byte == '\t' || byte == '\r';
    });
    if (printable) return bytes;
    return Blob{{reinterpret_cast<const std::uint8_t*>(bytes.data()),
                 reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size()}};
}

std::string sparseSummary(const ::onnx::SparseTensorProto& sparse) {
    std::string text =
        "sparse " + std::string(dtypeName(dtypeFromOnnx(sparse.values().data_type()))) + "[";
    for (int i = 0; i < sparse.dims_size(); ++i)
        text += (i > 0 ? "," : "") + std::to_string(sparse.dims(i));
    return text + "], " +
           std::to_string(sparse.values().dims_size() > 0 ? sparse.values().dims(0) : 0) +
           " stored values";
}

AttributeValue valueOf(const Proto& attribute) {
    switch (attributeType(attribute)) {
    case Proto::FLOAT:
        return static_cast<double>(attribute.f());
    case Proto::INT:
        return static_cast<std::int64_t>(attribute.i());
    case Proto::STRING:
        return textOrBlob(attribute.s());
    case Proto::TENSOR:
        return tensorSummary(attribute.t());
    case Proto::SPARSE_TENSOR:
        return sparseSummary(attribute.sparse_tensor());
    case Proto::TYPE_PROTO:
        return onnxTypeText(attribute.tp());
    case Proto::FLOATS:
        return std::vector<double>(attribute.floats().begin(), attribute.floats().end());
    case Proto::INTS:
        return std::vector<std::int64_t>(attribute.ints().begin(), attribute.ints().end());
    case Proto::STRINGS:
        return std::vector<std::string>(attribute.strings().begin(), attribute.strings().end());
    case Proto::TENSORS: {
        std::vector<std::string> items;
        for (const auto& tensor : attribute.tensors())
            items.push_back(tensorSummary(tensor));
        return items;
    }
    case Proto::SPARSE_TENSORS: {
        std::vector<std::string> items;
        for (const auto& sparse : attribute.sparse_tensors())
            items.push_back(sparseSummary(sparse));
        return items;
    }
    case Proto::TYPE_PROTOS: {
        std::vector<std::string> items;
        for (const auto& type : attribute.type_protos())
            items.push_back(onnxTypeText(type));
        return items;
    }
    default:
        return {};
    }
}

} // namespace

Proto::AttributeType attributeType(const Proto& attribute) {
    if (attribute.has_type() && attribute.type() != Proto::UNDEFINED) return attribute.type();
    if (attribute.has_f()) return Proto::FLOAT;
    if (attribute.has_i()) return Proto::INT;
    if (attribute.has_s()) return Proto::STRING;
    if (attribute.has_t()) return Proto::TENSOR;
    if (attribute.has_g()) return Proto::GRAPH;
    if (attribute.floats_size() > 0) return Proto::FLOATS;
    if (attribute.ints_size() > 0) return Proto::INTS;
    if (attribute.strings_size() > 0) return Proto::STRINGS;
    if (attribute.tensors_size() > 0) return Proto::TENSORS;
    if (attribute.graphs_size() > 0) return Proto::GRAPHS;
    return Proto::UNDEFINED;
}

bool holdsGraphs(const Proto& attribute) {
    const auto type = attributeType(attribute);
    return type == Proto::GRAPH || type == Proto::GRAPHS;
}

Attribute convertAttribute(const Proto& attribute) {
    // Inside a function body an attribute may stand for one of the caller's.
    if (!attribute.ref_attr_name().empty())
        return {attribute.name(), "@" + attribute.ref_attr_name()};
    return {attribute.name(), valueOf(attribute)};
}

} // namespace pteron
