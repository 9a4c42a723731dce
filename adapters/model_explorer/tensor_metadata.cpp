#include "adapters/model_explorer/tensor_metadata.hpp"

#include "core/attribute.hpp"

namespace pteron {

namespace {

constexpr std::size_t kQuantizationItems = 8;

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
    attrs.push_back(meAttribute("tensor_shape", value.typeText()));
    if (!value.name.empty()) attrs.push_back(meAttribute("tensor_name", value.name));
    if (!tag.empty()) attrs.push_back(meAttribute("__tensor_tag", tag));
    if (auto text = quantizationText(value.quantization); !text.empty())
        attrs.push_back(meAttribute("quantization", text));
    attrs.push_back(meAttribute("kind", std::string(valueKindName(value.kind))));
    return {{"id", portId}, {"attrs", std::move(attrs)}};
}

} // namespace pteron
