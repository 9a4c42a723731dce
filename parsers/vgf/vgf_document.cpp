#include "parsers/vgf/vgf_document.hpp"

#include "parsers/vgf/vgf_constants.hpp"
#include "parsers/vgf/vgf_tables.hpp"

namespace pteron::vgf {
namespace {

struct Checker {
    const std::string& file;
    std::uint64_t base;

    void require(bool ok, std::string_view tablePath, const std::string& expected) const {
        if (!ok) throw FormatError(file, "vgf", atOffset(base, tablePath), expected);
    }
};

void checkSlots(const std::vector<BindingSlot>& slots, const Document& document,
                const Checker& check, const std::string& path) {
    for (std::size_t i = 0; i < slots.size(); ++i)
        check.require(slots[i].mrtIndex < document.resources.size(),
                      path + "[" + std::to_string(i) + "].mrt_index",
                      "an index into the " + std::to_string(document.resources.size()) +
                          " resources, found " + std::to_string(slots[i].mrtIndex));
}

// Cross references between sections are checked once here so later stages can index freely.
void checkReferences(const Document& document, const Checker& check) {
    const auto& sequence = document.sequence;
    checkSlots(sequence.inputs, document, check, "ModelSequenceTable.inputs");
    checkSlots(sequence.outputs, document, check, "ModelSequenceTable.outputs");
    for (std::size_t s = 0; s < sequence.segments.size(); ++s) {
        const auto& segment = sequence.segments[s];
        const auto path = "ModelSequenceTable.segments[" + std::to_string(s) + "]";
        check.require(segment.moduleIndex < document.modules.size(), path + ".module_index",
                      "an index into the " + std::to_string(document.modules.size()) + " modules");
        checkSlots(segment.inputs, document, check, path + ".inputs");
        checkSlots(segment.outputs, document, check, path + ".outputs");
        for (const auto& set : segment.descriptorSets)
            checkSlots(set.bindings, document, check, path + ".set_infos.bindings");
        for (const auto index : segment.constants)
            check.require(index < document.constants.size(), path + ".constants",
                          "an index into the " + std::to_string(document.constants.size()) +
                              " constants, found " + std::to_string(index));
    }
    for (std::size_t i = 0; i < document.constants.size(); ++i)
        check.require(document.constants[i].mrtIndex < document.resources.size(),
                      "constants[" + std::to_string(i) + "].mrt_index",
                      "an index into the resources");
}

FlatbufferSource sourceOf(const std::string& file, const ByteView& bytes, const Header& header,
                          Section section) {
    return {file, "vgf", std::string(sectionName(section)),
            bytes.fileOffset() + header.range(section).offset};
}

std::span<const std::byte> bytesOf(const ByteView& bytes, const Header& header, Section section) {
    const auto& range = header.range(section);
    return bytes.bytes().subspan(static_cast<std::size_t>(range.offset),
                                 static_cast<std::size_t>(range.size));
}

} // namespace

Document decodeDocument(const ByteView& bytes, const std::string& file) {
    const LittleEndianReader reader(bytes.bytes(), file, "vgf", bytes.fileOffset());
    Document document;
    document.header = readHeader(reader);
    const auto& header = document.header;
    document.modules = readModules(bytesOf(bytes, header, Section::Modules),
                                   sourceOf(file, bytes, header, Section::Modules));
    document.sequence = readModelSequence(bytesOf(bytes, header, Section::ModelSequence),
                                          sourceOf(file, bytes, header, Section::ModelSequence));
    document.resources = readResources(bytesOf(bytes, header, Section::Resources),
                                       sourceOf(file, bytes, header, Section::Resources));
    const auto& constantsRange = header.range(Section::Constants);
    auto constants = readConstants(bytes.sub(static_cast<std::size_t>(constantsRange.offset),
                                             static_cast<std::size_t>(constantsRange.size)),
                                   file);
    document.constantLayout = constants.layout;
    document.constants = std::move(constants.constants);
    checkReferences(document, Checker{file, bytes.fileOffset()});
    return document;
}

std::string_view resourceCategoryName(ResourceCategory category) {
    switch (category) {
    case ResourceCategory::Input:
        return "INPUT";
    case ResourceCategory::Output:
        return "OUTPUT";
    case ResourceCategory::Intermediate:
        return "INTERMEDIATE";
    case ResourceCategory::Constant:
        return "CONSTANT";
    }
    return "UNKNOWN";
}

std::string_view moduleTypeName(ModuleType type) {
    return type == ModuleType::Graph ? "GRAPH" : "COMPUTE";
}

std::string_view codeKindName(CodeKind kind) {
    switch (kind) {
    case CodeKind::None:
        return "none";
    case CodeKind::Spirv:
        return "SPIR-V";
    case CodeKind::Glsl:
        return "GLSL";
    case CodeKind::Hlsl:
        return "HLSL";
    }
    return "none";
}

} // namespace pteron::vgf
