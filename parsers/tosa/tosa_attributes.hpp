// Decodes TOSA attribute tables generically from the schema's compiled type tables, so a new
// attribute needs only a schema line.
#pragma once

#include "core/attribute.hpp"

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <string_view>

namespace pteron::tosa {

// The type table of union member `tag` (nullptr for NONE or a tag the union lacks).
const flatbuffers::TypeTable* unionMember(const flatbuffers::TypeTable& unionType,
                                          std::uint8_t tag);

// Name of union member `tag` ("Conv2dAttribute"); empty when unknown.
std::string_view unionMemberName(const flatbuffers::TypeTable& unionType, std::uint8_t tag);

// Every field of a verified table, named as in the schema. Enums become EnumValue, integer
// vectors lists, [ubyte] Blob; absent scalars take their zero default, absent lists are empty.
Attributes decodeAttributeTable(const flatbuffers::Table& table,
                                const flatbuffers::TypeTable& type);

} // namespace pteron::tosa
