// The sections of one VGF file decoded into plain values: modules, model sequence, resources,
// constants.
#pragma once

#include "core/byte_view.hpp"
#include "parsers/vgf/vgf_header.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pteron::vgf {

inline constexpr std::uint32_t kUnset = 0xFFFFFFFF;

enum class ModuleType : std::uint8_t { Compute, Graph };
enum class CodeKind : std::uint8_t { None, Spirv, Glsl, Hlsl };
enum class ResourceCategory : std::uint8_t { Input, Output, Intermediate, Constant };
enum class ConstantLayout : std::uint8_t { Absent, Const00, LegacyFlatbuffer };

struct Module {
    ModuleType type = ModuleType::Compute;
    std::string name;
    std::string entryPoint;
    CodeKind code = CodeKind::None;
    std::vector<std::uint32_t> spirv;  // SPIR-V words (shader code, never weights)
    std::uint64_t spirvFileOffset = 0; // where the words sit in the file, for messages
    std::string source;                // GLSL or HLSL text
};

struct BindingSlot {
    std::uint32_t binding = 0;
    std::uint32_t mrtIndex = 0;
};

struct DescriptorSet {
    std::uint32_t setIndex = 0; // resolved: the explicit index or the position in the segment
    std::vector<BindingSlot> bindings;
};

struct PushConstantRange {
    std::uint32_t stageFlags = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
};

struct Segment {
    ModuleType type = ModuleType::Compute;
    std::string name;
    std::uint32_t moduleIndex = 0;
    std::vector<DescriptorSet> descriptorSets;
    std::vector<BindingSlot> inputs;
    std::vector<BindingSlot> outputs;
    std::vector<std::uint32_t> constants; // indices into Document::constants
    std::vector<std::uint32_t> dispatchShape;
    std::vector<PushConstantRange> pushConstants;
};

struct ModelSequence {
    std::vector<Segment> segments;
    std::vector<BindingSlot> inputs;
    std::vector<BindingSlot> outputs;
    std::vector<std::string> inputNames;
    std::vector<std::string> outputNames;
};

struct SamplerConfig {
    std::uint32_t minFilter = 0, magFilter = 0, addressModeU = 0, addressModeV = 0, borderColor = 0;
};

struct Resource {
    ResourceCategory category = ResourceCategory::Input;
    std::uint32_t descriptorType = kUnset; // raw VkDescriptorType
    std::uint32_t vkFormat = 0;            // raw VkFormat
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> strides;
    std::optional<SamplerConfig> sampler;
    std::uint32_t aliasGroup = kUnset;
};

struct Constant {
    std::uint32_t mrtIndex = 0;
    std::int64_t sparsityDimension = -1; // -1: dense
    ByteView data;                       // a view into the file
};

struct Document {
    Header header;
    std::vector<Module> modules;
    ModelSequence sequence;
    std::vector<Resource> resources;
    std::vector<Constant> constants;
    ConstantLayout constantLayout = ConstantLayout::Absent;
};

// Decodes a whole VGF file held in `bytes`; `file` names it in errors. Throws FormatError.
Document decodeDocument(const ByteView& bytes, const std::string& file);

std::string_view resourceCategoryName(ResourceCategory category);
std::string_view moduleTypeName(ModuleType type);
std::string_view codeKindName(CodeKind kind);

} // namespace pteron::vgf
