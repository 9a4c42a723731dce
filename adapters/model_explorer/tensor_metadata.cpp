#include "adapters/model_explorer/tensor_metadata.hpp"

#include "core/attribute.hpp"

namespace pteron {

namespace {

constexpr std::size_t kQuantizationItems = 8;

std::string listType(const char* element, std::size_t size) {
    return std::string(element) + "[" + std::to_string(size) + "]";
}

// A scalar's type in the tensor_shape spelling: rank 0 ("int64[]"), lists as rank 1.
std::string scalarType(const Value& value) {
    if (value.dtype != DType::Unknown) return std::string(dtypeName(value.dtype)) + "[]";
    struct Visitor {
        std::string operator()(std::monostate) const { return "none"; }
        std::string operator()(bool) const { return "bool[]"; }
        std::string operator()(std::int64_t) const { return "int64[]"; }
        std::string operator()(double) const { return "fp64[]"; }
        std::string operator()(const std::string&) const { return "string[]"; }
        std::string operator()(const EnumValue&) const { return "enum[]"; }
        std::string operator()(const std::vector<std::int64_t>& list) const {
            return listType("int64", list.size());
        }
        std::string operator()(const std::vector<double>& list) const {
            return listType("fp64", list.size());
        }
        std::string operator()(const std::vector<bool>& list) const {
            return listType("bool", list.size());
        }
        std::string operator()(const std::vector<std::string>& list) const {
            return listType("string", list.size());
        }
        std::string operator()(const Blob& blob) const {
            return listType("uint8", blob.bytes.size());
        }
    };
    return std::visit(Visitor{}, value.scalar);
}

bool isScalar(const Value& value) {
    return value.kind == ValueKind::Scalar && !value.hasShape;
}

} // namespace

nlohmann::json meAttribute(const std::string& key, const std::string& value) {
    return {{"key", key}, {"value", value}};
}

std::string quantizationText(const Quantization& quantization) {
    if (quantization.empty()) return {};
    const bool single = quantization.scales.size() <= 1 && quantization.zeroPoints.size() <= 1;
    std::string text = quantization.scheme.empty() ? std::string() : quantization.scheme;
    auto append = [&text](const std::string& part) {
        if (!text.empty()) text += ' ';
        text += part;
    };
    if (quantization.axis) append("axis=" + std::to_string(*quantization.axis));
    if (quantization.groupSize) append("group_size=" + std::to_string(*quantization.groupSize));
    if (single) {
        if (!quantization.scales.empty())
            append("scale=" + toString(AttributeValue(quantization.scales.front())));
        if (!quantization.zeroPoints.empty())
            append("zero_point=" + std::to_string(quantization.zeroPoints.front()));
        return text;
    }
    append("scales=" + toString(AttributeValue(quantization.scales), kQuantizationItems));
    append("zero_points=" + toString(AttributeValue(quantization.zeroPoints), kQuantizationItems));
    return text;
}

nlohmann::json tensorMetadata(const std::string& portId, const Value& value,
                              const std::string& tag) {
    auto attrs = nlohmann::json::array();
    attrs.push_back(
        meAttribute("tensor_shape", isScalar(value) ? scalarType(value) : value.typeText()));
    if (isScalar(value) && !std::holds_alternative<std::monostate>(value.scalar))
        attrs.push_back(meAttribute("value", toString(value.scalar)));
    if (!value.name.empty()) attrs.push_back(meAttribute("tensor_name", value.name));
    if (!tag.empty()) attrs.push_back(meAttribute("__tensor_tag", tag));
    if (auto text = quantizationText(value.quantization); !text.empty())
        attrs.push_back(meAttribute("quantization", text));
    attrs.push_back(meAttribute("kind", std::string(valueKindName(value.kind))));
    return {{"id", portId}, {"attrs", std::move(attrs)}};
}

} // namespace pteron
