#include "parsers/onnx/onnx_types.hpp"

#include <algorithm>

namespace pteron {

namespace {

std::string dimsText(const ::onnx::TensorShapeProto& shape) {
    std::string text = "[";
    for (int i = 0; i < shape.dim_size(); ++i) {
        const auto& dim = shape.dim(i);
        if (i > 0) text += ",";
        text += dim.has_dim_value()   ? std::to_string(dim.dim_value())
                : dim.has_dim_param() ? dim.dim_param()
                                      : "?";
    }
    return text + "]";
}

std::string elementText(std::int32_t elemType) {
    return std::string(dtypeName(dtypeFromOnnx(elemType)));
}

} // namespace

DType dtypeFromOnnx(std::int32_t dataType) {
    switch (dataType) {
    case 1:
        return DType::Float32;
    case 2:
        return DType::UInt8;
    case 3:
        return DType::Int8;
    case 4:
        return DType::UInt16;
    case 5:
        return DType::Int16;
    case 6:
        return DType::Int32;
    case 7:
        return DType::Int64;
    case 8:
        return DType::String;
    case 9:
        return DType::Bool;
    case 10:
        return DType::Float16;
    case 11:
        return DType::Float64;
    case 12:
        return DType::UInt32;
    case 13:
        return DType::UInt64;
    case 14:
        return DType::Complex64;
    case 15:
        return DType::Complex128;
    case 16:
        return DType::BFloat16;
    case 17:
        return DType::Float8E4M3FN;
    case 18:
        return DType::Float8E4M3FNUZ;
    case 19:
        return DType::Float8E5M2;
    case 20:
        return DType::Float8E5M2FNUZ;
    case 21:
        return DType::UInt4;
    case 22:
        return DType::Int4;
    default:
        return DType::Unknown;
    }
}

void applyOnnxType(const ::onnx::TypeProto& type, Value& value) {
    if (!type.has_tensor_type()) {
        if (type.value_case() != ::onnx::TypeProto::VALUE_NOT_SET)
            value.attributes.push_back({"type", onnxTypeText(type)});
        return;
    }
    const auto& tensor = type.tensor_type();
    value.dtype = dtypeFromOnnx(tensor.elem_type());
    if (!tensor.has_shape()) return; // unranked
    value.hasShape = true;
    std::vector<std::string> symbols;
    bool symbolic = false;
    for (const auto& dim : tensor.shape().dim()) {
        value.shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        symbols.push_back(dim.has_dim_param() ? dim.dim_param() : std::string());
        symbolic = symbolic || dim.has_dim_param();
    }
    if (std::find(value.shape.begin(), value.shape.end(), -1) != value.shape.end())
        value.dynamism = ShapeDynamism::DynamicUnbound;
    if (symbolic) value.attributes.push_back({"symbolic dims", std::move(symbols)});
}

std::string onnxTypeText(const ::onnx::TypeProto& type) {
    switch (type.value_case()) {
    case ::onnx::TypeProto::kTensorType:
        return elementText(type.tensor_type().elem_type()) +
               (type.tensor_type().has_shape() ? dimsText(type.tensor_type().shape()) : "[*]");
    case ::onnx::TypeProto::kSparseTensorType:
        return "sparse " + elementText(type.sparse_tensor_type().elem_type()) +
               (type.sparse_tensor_type().has_shape() ? dimsText(type.sparse_tensor_type().shape())
                                                      : "[*]");
    case ::onnx::TypeProto::kSequenceType:
        return "sequence<" + onnxTypeText(type.sequence_type().elem_type()) + ">";
    case ::onnx::TypeProto::kMapType:
        return "map<" + elementText(type.map_type().key_type()) + ", " +
               onnxTypeText(type.map_type().value_type()) + ">";
    case ::onnx::TypeProto::kOptionalType:
        return "optional<" + onnxTypeText(type.optional_type().elem_type()) + ">";
    default:
        return "unknown";
    }
}

std::string tensorSummary(const ::onnx::TensorProto& tensor) {
    std::string text = "tensor " + std::string(dtypeName(dtypeFromOnnx(tensor.data_type()))) + "[";
    for (int i = 0; i < tensor.dims_size(); ++i)
        text += (i > 0 ? "," : "") + std::to_string(tensor.dims(i));
    text += "]";
    if (!tensor.name().empty()) text += " " + tensor.name();
    if (tensor.data_location() == ::onnx::TensorProto::EXTERNAL) return text + ", external data";
    if (!tensor.raw_data().empty())
        return text + ", " + std::to_string(tensor.raw_data().size()) + " bytes";
    return text;
}

} // namespace pteron
