#include "parsers/vgf/vk_names.hpp"

#include <array>
#include <string_view>

namespace pteron::vgf {
namespace {

struct FormatInfo {
    std::uint32_t value;
    std::string_view name;
    DType dtype;
};

// The formats tensors and shader storage use; values from the Vulkan registry.
constexpr std::array kFormats{
    FormatInfo{0, "UNDEFINED", DType::Unknown},
    FormatInfo{9, "R8_UNORM", DType::UInt8},
    FormatInfo{10, "R8_SNORM", DType::Int8},
    FormatInfo{13, "R8_UINT", DType::UInt8},
    FormatInfo{14, "R8_SINT", DType::Int8},
    FormatInfo{37, "R8G8B8A8_UNORM", DType::Unknown},
    FormatInfo{41, "R8G8B8A8_UINT", DType::Unknown},
    FormatInfo{42, "R8G8B8A8_SINT", DType::Unknown},
    FormatInfo{43, "R8G8B8A8_SRGB", DType::Unknown},
    FormatInfo{44, "B8G8R8A8_UNORM", DType::Unknown},
    FormatInfo{70, "R16_UNORM", DType::UInt16},
    FormatInfo{71, "R16_SNORM", DType::Int16},
    FormatInfo{74, "R16_UINT", DType::UInt16},
    FormatInfo{75, "R16_SINT", DType::Int16},
    FormatInfo{76, "R16_SFLOAT", DType::Float16},
    FormatInfo{81, "R16G16_UINT", DType::Unknown},
    FormatInfo{82, "R16G16_SINT", DType::Unknown},
    FormatInfo{83, "R16G16_SFLOAT", DType::Unknown},
    FormatInfo{95, "R16G16B16A16_UINT", DType::Unknown},
    FormatInfo{96, "R16G16B16A16_SINT", DType::Unknown},
    FormatInfo{97, "R16G16B16A16_SFLOAT", DType::Unknown},
    FormatInfo{98, "R32_UINT", DType::UInt32},
    FormatInfo{99, "R32_SINT", DType::Int32},
    FormatInfo{100, "R32_SFLOAT", DType::Float32},
    FormatInfo{101, "R32G32_UINT", DType::Unknown},
    FormatInfo{102, "R32G32_SINT", DType::Unknown},
    FormatInfo{103, "R32G32_SFLOAT", DType::Unknown},
    FormatInfo{104, "R32G32B32_UINT", DType::Unknown},
    FormatInfo{105, "R32G32B32_SINT", DType::Unknown},
    FormatInfo{106, "R32G32B32_SFLOAT", DType::Unknown},
    FormatInfo{107, "R32G32B32A32_UINT", DType::Unknown},
    FormatInfo{108, "R32G32B32A32_SINT", DType::Unknown},
    FormatInfo{109, "R32G32B32A32_SFLOAT", DType::Unknown},
    FormatInfo{110, "R64_UINT", DType::UInt64},
    FormatInfo{111, "R64_SINT", DType::Int64},
    FormatInfo{112, "R64_SFLOAT", DType::Float64},
    FormatInfo{1000460000, "R8_BOOL_ARM", DType::Bool},
    FormatInfo{1000460001, "R16_SFLOAT_FPENCODING_BFLOAT16_ARM", DType::BFloat16},
    FormatInfo{1000460002, "R8_SFLOAT_FPENCODING_FLOAT8E4M3_ARM", DType::Float8E4M3FN},
    FormatInfo{1000460003, "R8_SFLOAT_FPENCODING_FLOAT8E5M2_ARM", DType::Float8E5M2},
};

const FormatInfo* findFormat(std::uint32_t format) {
    for (const auto& info : kFormats)
        if (info.value == format) return &info;
    return nullptr;
}

} // namespace

std::string vkFormatName(std::uint32_t format) {
    const auto* info = findFormat(format);
    return "VK_FORMAT_" + (info ? std::string(info->name) : std::to_string(format));
}

std::string vkDescriptorTypeName(std::uint32_t type) {
    switch (type) {
    case 0:
        return "VK_DESCRIPTOR_TYPE_SAMPLER";
    case 1:
        return "VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER";
    case 2:
        return "VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE";
    case 3:
        return "VK_DESCRIPTOR_TYPE_STORAGE_IMAGE";
    case 4:
        return "VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER";
    case 5:
        return "VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER";
    case 6:
        return "VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER";
    case 7:
        return "VK_DESCRIPTOR_TYPE_STORAGE_BUFFER";
    case 8:
        return "VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC";
    case 9:
        return "VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC";
    case 10:
        return "VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT";
    case 1000460000:
        return "VK_DESCRIPTOR_TYPE_TENSOR_ARM";
    case 0xFFFFFFFF:
        return "none";
    default:
        return "VK_DESCRIPTOR_TYPE_" + std::to_string(type);
    }
}

DType dtypeOfVkFormat(std::uint32_t format) {
    const auto* info = findFormat(format);
    return info ? info->dtype : DType::Unknown;
}

} // namespace pteron::vgf
