// Typed operator and model attributes with one printable form shared by every view.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace pteron {

// Raw bytes an attribute carries (binary compile specs, opaque options); printed as hex.
struct Blob {
    std::vector<std::uint8_t> bytes;
    bool operator==(const Blob&) const = default;
};

// An enum value kept with its name so nobody has to look a number up.
struct EnumValue {
    std::string name;
    std::int64_t number = 0;
    bool operator==(const EnumValue&) const = default;
};

using AttributeValue = std::variant<std::monostate, bool, std::int64_t, double, std::string,
                                    EnumValue, std::vector<std::int64_t>, std::vector<double>,
                                    std::vector<bool>, std::vector<std::string>, Blob>;

struct Attribute {
    std::string name;
    AttributeValue value;
};

using Attributes = std::vector<Attribute>;

// "3", "[1, 2]", "SAME", "0x0a1b…"; long lists and blobs are shortened past `maxItems`.
std::string toString(const AttributeValue& value, std::size_t maxItems = 16);

// Pointer to the attribute called `name`, or nullptr.
const Attribute* findAttribute(const Attributes& attributes, std::string_view name);

} // namespace pteron
