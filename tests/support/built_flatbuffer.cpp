#include "tests/support/built_flatbuffer.hpp"

#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"

#include <span>

namespace pteron::testing {

std::vector<flatbuffers::Offset<flatbuffers::String>>
flatbufferStrings(flatbuffers::FlatBufferBuilder& builder, const std::vector<std::string>& names) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> offsets;
    offsets.reserve(names.size());
    for (const auto& text : names)
        offsets.push_back(builder.CreateString(text));
    return offsets;
}

Model readBuiltFile(const flatbuffers::FlatBufferBuilder& builder, const std::string& name) {
    const auto bytes = std::as_bytes(std::span(builder.GetBufferPointer(), builder.GetSize()));
    return FormatRegistry::standard().read(MappedFile::fromBytes(name, bytes));
}

} // namespace pteron::testing
