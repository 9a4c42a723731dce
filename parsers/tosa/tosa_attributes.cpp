#include "parsers/tosa/tosa_attributes.hpp"

#include <string>

namespace pteron::tosa {

namespace {

flatbuffers::voffset_t fieldOffset(std::size_t field) {
    return static_cast<flatbuffers::voffset_t>(4 + 2 * field);
}

const flatbuffers::TypeTable* referenced(const flatbuffers::TypeTable& type,
                                         const flatbuffers::TypeCode& code) {
    return code.sequence_ref >= 0 ? type.type_refs[code.sequence_ref]() : nullptr;
}

EnumValue enumValue(const flatbuffers::TypeTable& enumType, std::int64_t number) {
    for (std::size_t i = 0; i < enumType.num_elems; ++i) {
        const std::int64_t candidate =
            enumType.values ? enumType.values[i] : static_cast<std::int64_t>(i);
        if (candidate == number) return {enumType.names[i], number};
    }
    return {"unknown(" + std::to_string(number) + ")", number};
}

std::int64_t scalarField(const flatbuffers::Table& table, flatbuffers::voffset_t at,
                         flatbuffers::ElementaryType base) {
    switch (base) {
    case flatbuffers::ET_BOOL:
    case flatbuffers::ET_UTYPE:
    case flatbuffers::ET_UCHAR:
        return table.GetField<std::uint8_t>(at, 0);
    case flatbuffers::ET_CHAR:
        return table.GetField<std::int8_t>(at, 0);
    case flatbuffers::ET_SHORT:
        return table.GetField<std::int16_t>(at, 0);
    case flatbuffers::ET_USHORT:
        return table.GetField<std::uint16_t>(at, 0);
    case flatbuffers::ET_INT:
        return table.GetField<std::int32_t>(at, 0);
    case flatbuffers::ET_UINT:
        return table.GetField<std::uint32_t>(at, 0);
    case flatbuffers::ET_LONG:
        return table.GetField<std::int64_t>(at, 0);
    case flatbuffers::ET_ULONG:
        return static_cast<std::int64_t>(table.GetField<std::uint64_t>(at, 0));
    default:
        return 0;
    }
}

template <typename T>
std::vector<std::int64_t> integerList(const flatbuffers::Table& table, flatbuffers::voffset_t at) {
    std::vector<std::int64_t> list;
    if (const auto* vector = table.GetPointer<const flatbuffers::Vector<T>*>(at))
        for (const auto element : *vector)
            list.push_back(static_cast<std::int64_t>(element));
    return list;
}

AttributeValue vectorField(const flatbuffers::Table& table, flatbuffers::voffset_t at,
                           flatbuffers::ElementaryType base) {
    switch (base) {
    case flatbuffers::ET_UCHAR: {
        Blob blob;
        if (const auto* vector = table.GetPointer<const flatbuffers::Vector<std::uint8_t>*>(at))
            blob.bytes.assign(vector->begin(), vector->end());
        return blob;
    }
    case flatbuffers::ET_BOOL: {
        std::vector<bool> list;
        for (const auto element : integerList<std::uint8_t>(table, at))
            list.push_back(element != 0);
        return list;
    }
    case flatbuffers::ET_CHAR:
        return integerList<std::int8_t>(table, at);
    case flatbuffers::ET_SHORT:
        return integerList<std::int16_t>(table, at);
    case flatbuffers::ET_USHORT:
        return integerList<std::uint16_t>(table, at);
    case flatbuffers::ET_INT:
        return integerList<std::int32_t>(table, at);
    case flatbuffers::ET_UINT:
        return integerList<std::uint32_t>(table, at);
    case flatbuffers::ET_LONG:
        return integerList<std::int64_t>(table, at);
    case flatbuffers::ET_STRING: {
        std::vector<std::string> list;
        using Strings = flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>;
        if (const auto* vector = table.GetPointer<const Strings*>(at))
            for (const auto* element : *vector)
                list.push_back(element->str());
        return list;
    }
    default:
        return std::monostate{};
    }
}

AttributeValue fieldValue(const flatbuffers::Table& table, const flatbuffers::TypeTable& type,
                          std::size_t field) {
    const auto& code = type.type_codes[field];
    const auto base = static_cast<flatbuffers::ElementaryType>(code.base_type);
    const auto at = fieldOffset(field);
    if (code.is_repeating) return vectorField(table, at, base);
    switch (base) {
    case flatbuffers::ET_STRING: {
        const auto* text = table.GetPointer<const flatbuffers::String*>(at);
        return text ? text->str() : std::string();
    }
    case flatbuffers::ET_FLOAT:
        return static_cast<double>(table.GetField<float>(at, 0.0f));
    case flatbuffers::ET_DOUBLE:
        return table.GetField<double>(at, 0.0);
    case flatbuffers::ET_BOOL:
        return table.GetField<std::uint8_t>(at, 0) != 0;
    case flatbuffers::ET_SEQUENCE:
        return std::monostate{}; // attribute tables nest nothing
    default:
        break;
    }
    const auto number = scalarField(table, at, base);
    if (const auto* enumType = referenced(type, code);
        enumType && enumType->st == flatbuffers::ST_ENUM)
        return enumValue(*enumType, number);
    return number;
}

} // namespace

const flatbuffers::TypeTable* unionMember(const flatbuffers::TypeTable& unionType,
                                          std::uint8_t tag) {
    if (tag == 0 || tag >= unionType.num_elems) return nullptr;
    return referenced(unionType, unionType.type_codes[tag]);
}

std::string_view unionMemberName(const flatbuffers::TypeTable& unionType, std::uint8_t tag) {
    if (tag >= unionType.num_elems || !unionType.names) return {};
    return unionType.names[tag];
}

Attributes decodeAttributeTable(const flatbuffers::Table& table,
                                const flatbuffers::TypeTable& type) {
    Attributes attributes;
    for (std::size_t field = 0; field < type.num_elems; ++field) {
        auto value = fieldValue(table, type, field);
        if (std::holds_alternative<std::monostate>(value)) continue;
        attributes.push_back({type.names[field], std::move(value)});
    }
    return attributes;
}

} // namespace pteron::tosa
