// Names of the Vulkan enum values VGF stores raw (VkFormat, VkDescriptorType) and their element
// types.
#pragma once

#include "core/dtype.hpp"

#include <cstdint>
#include <string>

namespace pteron::vgf {

// "VK_FORMAT_R8_SINT"; unknown values print as "VK_FORMAT_<number>".
std::string vkFormatName(std::uint32_t format);
// "VK_DESCRIPTOR_TYPE_TENSOR_ARM"; 0xFFFFFFFF (no descriptor, constants) prints as "none".
std::string vkDescriptorTypeName(std::uint32_t type);
// Element type of a single-channel tensor format; Unknown for image and packed formats.
DType dtypeOfVkFormat(std::uint32_t format);

} // namespace pteron::vgf
