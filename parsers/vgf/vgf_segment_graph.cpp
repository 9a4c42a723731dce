#include "parsers/vgf/vgf_segment_graph.hpp"

#include "core/format_error.hpp"
#include "parsers/vgf/spirv_graph_lowering.hpp"
#include "parsers/vgf/vk_names.hpp"

namespace pteron::vgf {
namespace {

// Model-level name of a resource the model sequence lists as an input or output.
std::string sequenceName(const ModelSequence& sequence, std::uint32_t mrtIndex) {
    for (std::size_t i = 0; i < sequence.inputs.size(); ++i)
        if (sequence.inputs[i].mrtIndex == mrtIndex && i < sequence.inputNames.size())
            return sequence.inputNames[i];
    for (std::size_t i = 0; i < sequence.outputs.size(); ++i)
        if (sequence.outputs[i].mrtIndex == mrtIndex && i < sequence.outputNames.size())
            return sequence.outputNames[i];
    return "";
}

ValueKind kindOf(ResourceCategory category) {
    switch (category) {
    case ResourceCategory::Input:
        return ValueKind::Input;
    case ResourceCategory::Output:
        return ValueKind::Output;
    case ResourceCategory::Constant:
        return ValueKind::Constant;
    case ResourceCategory::Intermediate:
        return ValueKind::Intermediate;
    }
    return ValueKind::Intermediate;
}

std::vector<std::int64_t> widened(const std::vector<std::uint32_t>& values) {
    return {values.begin(), values.end()};
}

bool hasSpirvModule(const Module& module) {
    return module.code == CodeKind::Spirv && module.spirv.size() >= 5;
}

} // namespace

void SegmentGraphBuilder::describeResource(std::uint32_t mrtIndex, Value& value) const {
    const auto& resource = document_.resources[mrtIndex];
    if (auto name = sequenceName(document_.sequence, mrtIndex); !name.empty()) value.name = name;
    if (resource.category != ResourceCategory::Intermediate) value.kind = kindOf(resource.category);
    value.attributes.push_back({"resource index", static_cast<std::int64_t>(mrtIndex)});
    value.attributes.push_back(
        {"resource category", std::string(resourceCategoryName(resource.category))});
    value.attributes.push_back(
        {"vk_format", EnumValue{vkFormatName(resource.vkFormat), resource.vkFormat}});
    if (resource.descriptorType != kUnset)
        value.attributes.push_back(
            {"vk_descriptor_type",
             EnumValue{vkDescriptorTypeName(resource.descriptorType), resource.descriptorType}});
    if (!resource.strides.empty()) value.attributes.push_back({"strides", resource.strides});
    if (resource.aliasGroup != kUnset)
        value.attributes.push_back({"alias group", static_cast<std::int64_t>(resource.aliasGroup)});
}

void SegmentGraphBuilder::bindResource(std::uint32_t mrtIndex, std::int64_t value) {
    resourceValues_.emplace(mrtIndex, value);
}

std::optional<std::int64_t> SegmentGraphBuilder::boundResource(std::uint32_t mrtIndex) const {
    const auto it = resourceValues_.find(mrtIndex);
    return it == resourceValues_.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
}

std::int64_t SegmentGraphBuilder::resourceValue(std::uint32_t mrtIndex) {
    if (const auto it = resourceValues_.find(mrtIndex); it != resourceValues_.end())
        return it->second;
    const auto& resource = document_.resources[mrtIndex];
    Value value;
    value.name = "resource #" + std::to_string(mrtIndex);
    value.dtype = dtypeOfVkFormat(resource.vkFormat);
    value.shape = resource.shape;
    value.hasShape = !resource.shape.empty();
    describeResource(mrtIndex, value);
    for (std::size_t i = 0; i < document_.constants.size(); ++i) {
        if (document_.constants[i].mrtIndex != mrtIndex) continue;
        value.data = document_.constants[i].data;
        value.attributes.push_back({"constant index", static_cast<std::int64_t>(i)});
        break;
    }
    const auto index = static_cast<std::int64_t>(graph_.addValue(std::move(value)));
    resourceValues_.emplace(mrtIndex, index);
    return index;
}

void SegmentGraphBuilder::appendOpaqueSegment(const Segment& segment, std::size_t partition,
                                              const std::string& op, const std::string& note) {
    const auto& module = document_.modules[segment.moduleIndex];
    Node node;
    node.name = segment.name;
    node.op = op;
    node.partition = partition;
    node.namespacePath = segment.name;
    for (const auto& slot : segment.inputs)
        node.inputs.push_back(
            {resourceValue(slot.mrtIndex), "binding " + std::to_string(slot.binding)});
    for (const auto& slot : segment.outputs)
        node.outputs.push_back(
            {resourceValue(slot.mrtIndex), "binding " + std::to_string(slot.binding)});
    node.attributes.push_back({"module", module.name});
    node.attributes.push_back({"entry point", module.entryPoint});
    node.attributes.push_back({"code", std::string(codeKindName(module.code))});
    if (module.code == CodeKind::Spirv)
        node.attributes.push_back({"SPIR-V words", static_cast<std::int64_t>(module.spirv.size())});
    if (!note.empty())
        node.attributes.push_back({"note", note});
    else if (module.code == CodeKind::Spirv && !hasSpirvModule(module))
        node.attributes.push_back(
            {"note", std::string("SPIR-V code is a placeholder, not a module")});
    if (!segment.dispatchShape.empty())
        node.attributes.push_back({"dispatch shape", widened(segment.dispatchShape)});
    for (const auto& range : segment.pushConstants)
        node.attributes.push_back(
            {"push constants",
             std::vector<std::int64_t>{range.stageFlags, range.offset, range.size}});
    graph_.nodes.push_back(std::move(node));
}

void SegmentGraphBuilder::appendSegment(std::size_t segmentIndex,
                                        const SegmentPlacement& placement) {
    const auto& segment = document_.sequence.segments[segmentIndex];
    const auto& module = document_.modules[segment.moduleIndex];
    if (segment.type == ModuleType::Compute) {
        appendOpaqueSegment(segment, placement.computePartition,
                            "vgf.compute:" + module.entryPoint);
        return;
    }
    std::string note;
    if (hasSpirvModule(module)) {
        // A module that does not decode leaves the segment opaque rather than failing the file;
        // the graph returns to its state before the attempt.
        const Graph before = graph_;
        const auto resourcesBefore = resourceValues_;
        try {
            if (appendSpirvGraph(*this, segmentIndex, placement.graphPartition)) return;
        } catch (const FormatError& error) {
            graph_ = before;
            resourceValues_ = resourcesBefore;
            note = std::string("SPIR-V module could not be decoded: ") + error.what();
        }
    }
    appendOpaqueSegment(segment, placement.graphPartition, "vgf.graph:" + module.entryPoint, note);
}

} // namespace pteron::vgf
