#include "core/attribute.hpp"

#include <algorithm>
#include <cstdio>

namespace pteron {

namespace {

std::string formatDouble(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

std::string itemText(std::int64_t value) {
    return std::to_string(value);
}
std::string itemText(double value) {
    return formatDouble(value);
}
std::string itemText(bool value) {
    return value ? "true" : "false";
}
std::string itemText(const std::string& value) {
    return value;
}

template <typename T> std::string listText(const std::vector<T>& items, std::size_t maxItems) {
    std::string text = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i == maxItems) {
            text += ", … (" + std::to_string(items.size()) + " items)";
            break;
        }
        if (i > 0) text += ", ";
        text += itemText(static_cast<T>(items[i]));
    }
    return text + "]";
}

std::string blobText(const Blob& blob, std::size_t maxItems) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text = "0x";
    const std::size_t shown = std::min(blob.bytes.size(), maxItems * 4);
    for (std::size_t i = 0; i < shown; ++i) {
        text += digits[blob.bytes[i] >> 4];
        text += digits[blob.bytes[i] & 0xf];
    }
    if (shown < blob.bytes.size()) text += "… (" + std::to_string(blob.bytes.size()) + " bytes)";
    return text;
}

} // namespace

std::string toString(const AttributeValue& value, std::size_t maxItems) {
    struct Printer {
        std::size_t maxItems;
        std::string operator()(std::monostate) const { return "none"; }
        std::string operator()(bool v) const { return itemText(v); }
        std::string operator()(std::int64_t v) const { return itemText(v); }
        std::string operator()(double v) const { return itemText(v); }
        std::string operator()(const std::string& v) const { return v; }
        std::string operator()(const EnumValue& v) const { return v.name; }
        std::string operator()(const std::vector<std::int64_t>& v) const {
            return listText(v, maxItems);
        }
        std::string operator()(const std::vector<double>& v) const { return listText(v, maxItems); }
        std::string operator()(const std::vector<bool>& v) const {
            std::string text = "[";
            for (std::size_t i = 0; i < v.size() && i < maxItems; ++i)
                text += (i ? ", " : "") + itemText(static_cast<bool>(v[i]));
            return text + (v.size() > maxItems ? ", …]" : "]");
        }
        std::string operator()(const std::vector<std::string>& v) const {
            return listText(v, maxItems);
        }
        std::string operator()(const Blob& v) const { return blobText(v, maxItems); }
    };
    return std::visit(Printer{maxItems}, value);
}

const Attribute* findAttribute(const Attributes& attributes, std::string_view name) {
    for (const auto& attribute : attributes)
        if (attribute.name == name) return &attribute;
    return nullptr;
}

} // namespace pteron
