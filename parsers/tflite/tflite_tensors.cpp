#include "parsers/tflite/tflite_tensors.hpp"

#include "core/format_error.hpp"

#include <algorithm>

namespace pteron::tflite {
namespace {

Quantization quantizationOf(const fb::QuantizationParameters* q) {
    Quantization out;
    if (!q) return out;
    if (q->scale()) out.scales.assign(q->scale()->begin(), q->scale()->end());
    if (q->zero_point()) out.zeroPoints.assign(q->zero_point()->begin(), q->zero_point()->end());
    if (out.scales.empty() && out.zeroPoints.empty()) return out;
    if (out.scales.size() > 1) {
        out.scheme = "per-channel";
        out.axis = q->quantized_dimension();
    } else {
        out.scheme = "per-tensor";
    }
    return out;
}

void shapeOf(const fb::Tensor& tensor, Value& value) {
    if (tensor.shape()) value.shape.assign(tensor.shape()->begin(), tensor.shape()->end());
    value.hasShape = tensor.shape() != nullptr || tensor.has_rank();
    const auto* signature = tensor.shape_signature();
    if (!signature || signature->size() != value.shape.size()) return;
    if (std::none_of(signature->begin(), signature->end(), [](std::int32_t d) { return d < 0; }))
        return;
    // Unknown dimensions are -1 in the signature; `shape` then holds a placeholder size.
    for (std::size_t i = 0; i < value.shape.size(); ++i)
        if (signature->Get(static_cast<flatbuffers::uoffset_t>(i)) < 0) value.shape[i] = -1;
    value.dynamism = ShapeDynamism::DynamicUnbound;
}

} // namespace

ByteView bufferBytes(const fb::Model& model, std::uint32_t index,
                     const std::shared_ptr<const MappedFile>& file) {
    const auto* buffers = model.buffers();
    if (index == 0 || !buffers || index >= buffers->size()) return {};
    const auto* buffer = buffers->Get(index);
    if (!buffer) return {};
    const auto bytes = file->bytes();
    if (buffer->offset() > 1) {
        const std::uint64_t offset = buffer->offset();
        const std::uint64_t size = buffer->size();
        if (offset > bytes.size() || size > bytes.size() - offset)
            throw FormatError(file->path(), "tflite", "buffers[" + std::to_string(index) + "]",
                              "external buffer data (offset " + std::to_string(offset) + ", size " +
                                  std::to_string(size) + ") inside the " +
                                  std::to_string(bytes.size()) + "-byte file");
        return ByteView(file, bytes.subspan(offset, size));
    }
    if (!buffer->data() || buffer->data()->size() == 0) return {};
    // The verifier proved the vector lies inside the file.
    const auto* begin = reinterpret_cast<const std::byte*>(buffer->data()->data());
    return ByteView(file, bytes.subspan(static_cast<std::size_t>(begin - bytes.data()),
                                        buffer->data()->size()));
}

Value tensorValue(const fb::Tensor& tensor, const fb::Model& model,
                  const std::shared_ptr<const MappedFile>& file, const std::string& where) {
    Value value;
    value.name = tensor.name() ? tensor.name()->str() : where;
    value.dtype = dtypeOf(tensor.type());
    if (value.dtype == DType::Unknown)
        value.attributes.push_back({"tflite_type", tensorTypeValue(tensor.type())});
    shapeOf(tensor, value);
    value.quantization = quantizationOf(tensor.quantization());
    value.data = bufferBytes(model, tensor.buffer(), file);
    if (!value.data.empty()) value.kind = ValueKind::Constant;
    if (tensor.buffer() != 0) value.attributes.push_back({"buffer", std::int64_t{tensor.buffer()}});
    if (tensor.is_variable()) value.attributes.push_back({"variable", true});
    if (tensor.sparsity()) value.attributes.push_back({"sparse", true});
    return value;
}

} // namespace pteron::tflite
