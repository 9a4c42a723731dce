#include "parsers/vgf/vgf_attributes.hpp"

namespace pteron::vgf {
namespace {

std::int64_t count(std::size_t n) {
    return static_cast<std::int64_t>(n);
}

std::string_view constantLayoutName(ConstantLayout layout) {
    switch (layout) {
    case ConstantLayout::Absent:
        return "none";
    case ConstantLayout::Const00:
        return "CONST00";
    case ConstantLayout::LegacyFlatbuffer:
        return "flatbuffer (before 0.4.0)";
    }
    return "none";
}

} // namespace

Attributes documentAttributes(const Document& document) {
    const auto& header = document.header;
    Attributes attributes;
    attributes.push_back({"magic", std::string(magicKindName(header.magic))});
    attributes.push_back({"VGF version", header.versionText()});
    attributes.push_back(
        {"Vulkan header version", static_cast<std::int64_t>(header.vkHeaderVersion)});
    attributes.push_back({"modules", count(document.modules.size())});
    attributes.push_back({"segments", count(document.sequence.segments.size())});
    attributes.push_back({"resources", count(document.resources.size())});
    attributes.push_back({"constants", count(document.constants.size())});
    attributes.push_back(
        {"constants layout", std::string(constantLayoutName(document.constantLayout))});
    if (!document.sequence.inputNames.empty())
        attributes.push_back({"input names", document.sequence.inputNames});
    if (!document.sequence.outputNames.empty())
        attributes.push_back({"output names", document.sequence.outputNames});
    return attributes;
}

Attributes segmentAttributes(const Document& document, std::size_t segmentIndex) {
    const auto& segment = document.sequence.segments[segmentIndex];
    const auto& module = document.modules[segment.moduleIndex];
    Attributes attributes;
    attributes.push_back({"segment type", std::string(moduleTypeName(segment.type))});
    attributes.push_back({"module index", static_cast<std::int64_t>(segment.moduleIndex)});
    attributes.push_back({"module", module.name});
    attributes.push_back({"entry point", module.entryPoint});
    attributes.push_back({"code", std::string(codeKindName(module.code))});
    if (module.code == CodeKind::Spirv)
        attributes.push_back({"SPIR-V words", count(module.spirv.size())});
    attributes.push_back({"constants", count(segment.constants.size())});
    if (!segment.dispatchShape.empty())
        attributes.push_back(
            {"dispatch shape", std::vector<std::int64_t>(segment.dispatchShape.begin(),
                                                         segment.dispatchShape.end())});
    return attributes;
}

} // namespace pteron::vgf
