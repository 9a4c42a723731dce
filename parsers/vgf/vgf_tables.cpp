#include "parsers/vgf/vgf_tables.hpp"

#include "parsers/vgf/vgf_section_buffer.hpp"

#include "vgf_sections_generated.h"

#include <cstring>

namespace pteron::vgf {
namespace {

namespace fb = pteron::fb::vgf;

// Copies scalar vectors bytewise: the verifier checks a vector's length word for alignment but
// not its 8-byte elements, so a damaged offset could otherwise cause a misaligned load.
template <typename T> std::vector<T> copyOf(const flatbuffers::Vector<T>* vector) {
    if (!vector) return {};
    std::vector<T> result(vector->size());
    if (!result.empty()) std::memcpy(result.data(), vector->Data(), result.size() * sizeof(T));
    return result;
}

std::string textOf(const flatbuffers::String* text) {
    return text ? text->str() : std::string();
}

std::vector<std::string>
textsOf(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* texts) {
    std::vector<std::string> result;
    if (texts)
        for (const auto* text : *texts)
            result.push_back(textOf(text));
    return result;
}

ModuleType moduleTypeOf(fb::ModuleType type) {
    return type == fb::ModuleType::GRAPH ? ModuleType::Graph : ModuleType::Compute;
}

std::vector<BindingSlot>
slotsOf(const flatbuffers::Vector<flatbuffers::Offset<fb::BindingSlot>>* slots) {
    std::vector<BindingSlot> result;
    if (!slots) return result;
    for (const auto* slot : *slots)
        result.push_back({slot->binding(), slot->mrt_index()});
    return result;
}

Module moduleOf(const fb::Module& entry, const SectionBuffer& buffer, std::uint64_t sectionOffset) {
    Module module;
    module.type = moduleTypeOf(entry.type());
    module.name = textOf(entry.name());
    module.entryPoint = textOf(entry.entry_point());
    if (const auto* spirv = entry.code_as_SpirvCode()) {
        module.code = CodeKind::Spirv;
        module.spirv = copyOf(spirv->words());
        if (spirv->words())
            module.spirvFileOffset = sectionOffset + buffer.offsetOf(spirv->words()->data());
    } else if (const auto* glsl = entry.code_as_GlslCode()) {
        module.code = CodeKind::Glsl;
        module.source = textOf(glsl->text());
    } else if (const auto* hlsl = entry.code_as_HlslCode()) {
        module.code = CodeKind::Hlsl;
        module.source = textOf(hlsl->text());
    }
    return module;
}

Segment segmentOf(const fb::SegmentInfo& info) {
    Segment segment;
    segment.type = moduleTypeOf(info.type());
    segment.name = textOf(info.name());
    segment.moduleIndex = info.module_index();
    if (const auto* sets = info.set_infos()) {
        for (flatbuffers::uoffset_t i = 0; i < sets->size(); ++i) {
            const auto* set = sets->Get(i);
            segment.descriptorSets.push_back(
                {set->set_index() == kUnset ? static_cast<std::uint32_t>(i) : set->set_index(),
                 slotsOf(set->bindings())});
        }
    }
    segment.inputs = slotsOf(info.inputs());
    segment.outputs = slotsOf(info.outputs());
    segment.constants = copyOf(info.constants());
    segment.dispatchShape = copyOf(info.dispatch_shape());
    if (const auto* ranges = info.push_constant_ranges())
        for (const auto* range : *ranges)
            segment.pushConstants.push_back({range->stage_flags(), range->offset(), range->size()});
    return segment;
}

ResourceCategory categoryOf(fb::ResourceCategory category, const FlatbufferSource& source) {
    switch (category) {
    case fb::ResourceCategory::INPUT:
        return ResourceCategory::Input;
    case fb::ResourceCategory::OUTPUT:
        return ResourceCategory::Output;
    case fb::ResourceCategory::INTERMEDIATE:
        return ResourceCategory::Intermediate;
    case fb::ResourceCategory::CONSTANT:
        return ResourceCategory::Constant;
    }
    throw FormatError(source.file, source.format, atOffset(source.fileOffset, source.tablePath),
                      "a resource category 0..3, found " +
                          std::to_string(static_cast<unsigned>(category)));
}

Resource resourceOf(const fb::ResourceEntry& entry, const FlatbufferSource& source) {
    Resource resource;
    resource.category = categoryOf(entry.category(), source);
    resource.descriptorType = entry.vk_descriptor_type();
    resource.vkFormat = entry.vk_format();
    if (const auto* description = entry.description()) {
        resource.shape = copyOf(description->shape());
        resource.strides = copyOf(description->strides());
    }
    if (const auto* sampler = entry.extra_config_as_SamplerConfig())
        resource.sampler =
            SamplerConfig{sampler->min_filter(), sampler->mag_filter(), sampler->address_mode_u(),
                          sampler->address_mode_v(), sampler->border_color()};
    resource.aliasGroup = entry.alias_group_id();
    return resource;
}

} // namespace

std::vector<Module> readModules(std::span<const std::byte> section,
                                const FlatbufferSource& source) {
    std::vector<Module> modules;
    if (section.empty()) return modules;
    const SectionBuffer buffer(section);
    const auto* table = buffer.root<fb::ModuleTable>(source);
    if (table->modules())
        for (const auto* entry : *table->modules())
            modules.push_back(moduleOf(*entry, buffer, source.fileOffset));
    return modules;
}

ModelSequence readModelSequence(std::span<const std::byte> section,
                                const FlatbufferSource& source) {
    ModelSequence sequence;
    if (section.empty()) return sequence;
    const SectionBuffer buffer(section);
    const auto* table = buffer.root<fb::ModelSequenceTable>(source);
    if (table->segments())
        for (const auto* info : *table->segments())
            sequence.segments.push_back(segmentOf(*info));
    sequence.inputs = slotsOf(table->inputs());
    sequence.outputs = slotsOf(table->outputs());
    sequence.inputNames = textsOf(table->input_names());
    sequence.outputNames = textsOf(table->output_names());
    return sequence;
}

std::vector<Resource> readResources(std::span<const std::byte> section,
                                    const FlatbufferSource& source) {
    std::vector<Resource> resources;
    if (section.empty()) return resources;
    const SectionBuffer buffer(section);
    const auto* table = buffer.root<fb::ResourceTable>(source);
    if (table->entries())
        for (const auto* entry : *table->entries())
            resources.push_back(resourceOf(*entry, source));
    return resources;
}

} // namespace pteron::vgf
