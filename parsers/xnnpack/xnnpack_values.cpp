#include "parsers/xnnpack/xnnpack_values.hpp"

#include <algorithm>
#include <cstring>

namespace pteron {

namespace {

namespace fbx = fb::xnnpack;

constexpr std::uint32_t kExternalInput = 0x1;
constexpr std::uint32_t kExternalOutput = 0x2;

DType dtypeOf(fbx::XNNDatatype type) {
    switch (type) {
    case fbx::XNNDatatype::fp32:
    case fbx::XNNDatatype::pfp32:
        return DType::Float32;
    case fbx::XNNDatatype::fp16:
        return DType::Float16;
    case fbx::XNNDatatype::bf16:
        return DType::BFloat16;
    case fbx::XNNDatatype::qint8:
    case fbx::XNNDatatype::qcint8:
    case fbx::XNNDatatype::qdint8:
    case fbx::XNNDatatype::qpint8:
        return DType::Int8;
    case fbx::XNNDatatype::quint8:
        return DType::UInt8;
    case fbx::XNNDatatype::qint32:
    case fbx::XNNDatatype::qcint32:
    case fbx::XNNDatatype::int32:
        return DType::Int32;
    case fbx::XNNDatatype::qcint4:
    case fbx::XNNDatatype::qbint4:
        // Stored as unsigned nibbles with zero point 8 (the quantisation says so).
        return DType::UInt4;
    default:
        return DType::Unknown;
    }
}

EnumValue datatypeEnum(fbx::XNNDatatype type) {
    const auto number = static_cast<std::int64_t>(type);
    std::string name = fbx::EnumNameXNNDatatype(type);
    if (name.empty()) name = "unknown(" + std::to_string(number) + ")";
    return {name, number};
}

std::vector<double> floatsOf(const flatbuffers::Vector<float>* values) {
    std::vector<double> result;
    if (values) result.assign(values->begin(), values->end());
    return result;
}

// Scales stored as constant bytes: fp32 for per-channel, bf16 for per-channel-group.
std::vector<double> scalesFromBytes(const ByteView& view, std::uint32_t count, bool bf16) {
    const auto bytes = view.bytes();
    const std::size_t width = bf16 ? 2 : 4;
    std::size_t available = bytes.size() / width;
    if (count != 0) available = std::min<std::size_t>(available, count);
    std::vector<double> scales;
    scales.reserve(available);
    for (std::size_t i = 0; i < available; ++i) {
        std::uint32_t bits = 0;
        if (bf16) {
            std::uint16_t half = 0;
            std::memcpy(&half, bytes.data() + i * width, width);
            bits = static_cast<std::uint32_t>(half) << 16;
        } else {
            std::memcpy(&bits, bytes.data() + i * width, width);
        }
        float scale = 0;
        std::memcpy(&scale, &bits, sizeof scale);
        scales.push_back(scale);
    }
    return scales;
}

struct DecodedValue {
    std::uint32_t id = 0;
    Value value;
};

class ValueDecoder {
  public:
    explicit ValueDecoder(const XnnpackContext& context) : context_(context) {}

    DecodedValue decode(const fbx::XValue& xvalue, const std::string& path) const {
        const fbx::XNNTensorValue* tensor = nullptr;
        const fbx::XNNQuantizedTensorValue* quantized = nullptr;
        switch (xvalue.xvalue_union_type()) {
        case fbx::XValueUnion::XNNTensorValue:
            tensor = xvalue.xvalue_union_as_XNNTensorValue();
            break;
        case fbx::XValueUnion::XNNQuantizedTensorValue:
            quantized = xvalue.xvalue_union_as_XNNQuantizedTensorValue();
            tensor = quantized ? quantized->tensor_value() : nullptr;
            break;
        default:
            context_.fail(path + ".xvalue_union_type",
                          "an XNNTensorValue or XNNQuantizedTensorValue, found type " +
                              std::to_string(static_cast<int>(xvalue.xvalue_union_type())));
        }
        if (!tensor) context_.fail(path + ".xvalue_union", "a tensor value table");
        Value value = tensorValue(*tensor, path);
        if (quantized) value.quantization = quantization(*quantized, value, path);
        // XNNPACK's 4-bit weights are offset by 8 (nibble 8 is the value 0).
        if (quantized && value.dtype == DType::UInt4) value.quantization.zeroPoints = {8};
        return {tensor->id_out(), std::move(value)};
    }

  private:
    Value tensorValue(const fbx::XNNTensorValue& tensor, const std::string& path) const {
        Value value;
        value.name = "%" + std::to_string(tensor.id_out());
        value.dtype = dtypeOf(tensor.datatype());
        value.hasShape = true;
        if (tensor.dims()) value.shape.assign(tensor.dims()->begin(), tensor.dims()->end());
        value.kind = kindOf(tensor);
        value.attributes.push_back({"id", static_cast<std::int64_t>(tensor.id_out())});
        value.attributes.push_back({"datatype", datatypeEnum(tensor.datatype())});
        if (tensor.dq_datatype() != fbx::XNNDatatype::invalid)
            value.attributes.push_back({"dq_datatype", datatypeEnum(tensor.dq_datatype())});
        if (tensor.external_id() != kXnnInvalidValueId)
            value.attributes.push_back(
                {"external_id", static_cast<std::int64_t>(tensor.external_id())});
        value.attributes.push_back({"flags", static_cast<std::int64_t>(tensor.flags())});
        if (tensor.constant_buffer_idx() != 0) attachConstant(tensor, path, value);
        // Each row of a 4-bit weight starts on a byte: an odd row ends in an unused nibble.
        if (value.dtype == DType::UInt4) value.attributes.push_back({"int4 rows padded", true});
        return value;
    }

    static ValueKind kindOf(const fbx::XNNTensorValue& tensor) {
        if (tensor.constant_buffer_idx() != 0) return ValueKind::Constant;
        if (tensor.flags() & kExternalInput) return ValueKind::Input;
        if (tensor.flags() & kExternalOutput) return ValueKind::Output;
        return ValueKind::Intermediate;
    }

    void attachConstant(const fbx::XNNTensorValue& tensor, const std::string& path,
                        Value& value) const {
        auto constant = context_.constant(tensor.constant_buffer_idx(),
                                          path + ".tensor_value.constant_buffer_idx");
        value.data = constant.bytes;
        for (auto& note : constant.notes)
            value.attributes.push_back(std::move(note));
    }

    Quantization quantization(const fbx::XNNQuantizedTensorValue& quantized, Value& value,
                              const std::string& path) const {
        const std::string paramsPath = path + ".quant_params";
        Quantization result;
        switch (quantized.quant_params_type()) {
        case fbx::XNNQuantParams::PerTensorQuant:
            if (const auto* params = quantized.quant_params_as_PerTensorQuant()) {
                result.scales = {params->scale()};
                result.zeroPoints = {params->zero_point()};
            }
            result.scheme = "per-tensor";
            return result;
        case fbx::XNNQuantParams::PerChannelQuant:
            if (const auto* params = quantized.quant_params_as_PerChannelQuant())
                perChannel(*params, paramsPath, value, result);
            result.scheme = "per-channel";
            return result;
        case fbx::XNNQuantParams::PerChannelGroupQuant:
            if (const auto* params = quantized.quant_params_as_PerChannelGroupQuant())
                perChannelGroup(*params, paramsPath, value, result);
            result.scheme = "per-channel-group";
            return result;
        case fbx::XNNQuantParams::PerTokenDynamicQuant:
            if (const auto* params = quantized.quant_params_as_PerTokenDynamicQuant())
                value.attributes.push_back(
                    {"num_nonbatch_dims", static_cast<std::int64_t>(params->num_nonbatch_dims())});
            result.scheme = "dynamic";
            return result;
        default:
            context_.fail(paramsPath + "_type",
                          "a known quantisation kind (1..4), found " +
                              std::to_string(static_cast<int>(quantized.quant_params_type())));
        }
    }

    // Scales held as a constant rather than inline; records where they came from.
    std::vector<double> scalesFromConstant(std::uint32_t index, std::uint32_t count, bool bf16,
                                           const std::string& path, Value& value) const {
        const auto constant = context_.constant(index, path);
        value.attributes.push_back({"scale_buffer_idx", static_cast<std::int64_t>(index)});
        if (const auto* unresolved = findAttribute(constant.notes, "unresolved"))
            value.attributes.push_back({"scales unresolved", unresolved->value});
        return scalesFromBytes(constant.bytes, count, bf16);
    }

    void perChannel(const fbx::PerChannelQuant& params, const std::string& path, Value& value,
                    Quantization& result) const {
        result.axis = params.channel_dim();
        result.scales = params.scale_buffer_idx() != 0
                            ? scalesFromConstant(params.scale_buffer_idx(), params.num_scales(),
                                                 false, path + ".scale_buffer_idx", value)
                            : floatsOf(params.scale());
    }

    void perChannelGroup(const fbx::PerChannelGroupQuant& params, const std::string& path,
                         Value& value, Quantization& result) const {
        result.axis = params.channel_dim();
        result.groupSize = params.group_size();
        if (params.scale_buffer_idx() != 0) {
            result.scales = scalesFromConstant(params.scale_buffer_idx(), params.num_scales(), true,
                                               path + ".scale_buffer_idx", value);
            return;
        }
        result.scales = floatsOf(params.scale());
        if (!result.scales.empty() || !params.scale_bf16()) return;
        for (auto half : *params.scale_bf16()) {
            const std::uint32_t bits = static_cast<std::uint32_t>(half) << 16;
            float scale = 0;
            std::memcpy(&scale, &bits, sizeof scale);
            result.scales.push_back(scale);
        }
    }

    const XnnpackContext& context_;
};

} // namespace

std::int64_t XnnpackValueIds::resolve(std::uint32_t id, const XnnpackContext& context,
                                      const std::string& path) const {
    if (id == kXnnInvalidValueId) return kAbsentValue;
    const auto it = indices_.find(id);
    if (it == indices_.end())
        context.fail(path, "the id of a value in xvalues, found " + std::to_string(id));
    return it->second;
}

XnnpackValueIds decodeXnnpackValues(const XnnpackContext& context, Graph& graph) {
    XnnpackValueIds ids;
    const auto* xvalues = context.graph().xvalues();
    if (!xvalues) return ids;
    const ValueDecoder decoder(context);
    for (flatbuffers::uoffset_t i = 0; i < xvalues->size(); ++i) {
        const std::string path = "xvalues[" + std::to_string(i) + "]";
        auto decoded = decoder.decode(*xvalues->Get(i), path);
        if (decoded.id == kXnnInvalidValueId || ids.contains(decoded.id))
            context.fail(path + ".id_out", "a value id used once and not the invalid id, found " +
                                               std::to_string(decoded.id));
        ids.add(decoded.id, static_cast<std::int64_t>(graph.addValue(std::move(decoded.value))));
    }
    return ids;
}

} // namespace pteron
