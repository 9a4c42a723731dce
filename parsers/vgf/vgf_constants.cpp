#include "parsers/vgf/vgf_constants.hpp"

#include "core/little_endian_reader.hpp"
#include "parsers/vgf/vgf_section_buffer.hpp"

#include "vgf_sections_generated.h"

namespace pteron::vgf {
namespace {

constexpr std::string_view kConst00Tag{"CONST00\0", 8};
constexpr std::uint64_t kConst00Header = 16;
constexpr std::uint64_t kConst00EntrySize = 24;

// CONST00: tag, u64 count, `count` fixed entries, then the payload the entries point into.
std::vector<Constant> readConst00(const ByteView& section, const LittleEndianReader& reader) {
    const auto count = reader.u64(8, "constant count");
    if (count > (reader.size() - kConst00Header) / kConst00EntrySize)
        reader.fail(8, "a constant count whose entries fit the section, found " +
                           std::to_string(count));
    const auto payload = kConst00Header + count * kConst00EntrySize;
    std::vector<Constant> constants;
    constants.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto entry = kConst00Header + i * kConst00EntrySize;
        Constant constant;
        constant.mrtIndex = reader.u32(entry, "constant resource index");
        constant.sparsityDimension = reader.i32(entry + 4, "constant sparsity dimension");
        const auto size = reader.u64(entry + 8, "constant size");
        const auto offset = reader.u64(entry + 16, "constant offset");
        const auto at = reader.size() - payload >= offset ? payload + offset : reader.size() + 1;
        if (!reader.has(at, size))
            reader.fail(entry + 8, "constant #" + std::to_string(i) + " (" + std::to_string(size) +
                                       " bytes at payload offset " + std::to_string(offset) +
                                       ") inside the constants section");
        constant.data = section.sub(static_cast<std::size_t>(at), static_cast<std::size_t>(size));
        constants.push_back(std::move(constant));
    }
    return constants;
}

std::vector<Constant> readLegacy(const ByteView& section, const std::string& file) {
    namespace fb = pteron::fb::vgf;
    const SectionBuffer buffer(section.bytes());
    const auto* root = buffer.root<fb::LegacyConstantSection>(
        {file, "vgf", "constants section", section.fileOffset()});
    std::vector<Constant> constants;
    if (!root->constants()) return constants;
    for (const auto* entry : *root->constants()) {
        Constant constant;
        constant.mrtIndex = entry->mrt_index();
        constant.sparsityDimension = entry->sparsity_dimension();
        if (const auto* raw = entry->raw())
            constant.data = section.sub(buffer.offsetOf(raw->data()), raw->size());
        constants.push_back(std::move(constant));
    }
    return constants;
}

} // namespace

ConstantsSection readConstants(const ByteView& section, const std::string& file) {
    ConstantsSection result;
    if (section.empty()) return result;
    if (hasTag(section.bytes(), 0, kConst00Tag)) {
        const LittleEndianReader reader(section.bytes(), file, "vgf", section.fileOffset());
        result.layout = ConstantLayout::Const00;
        result.constants = readConst00(section, reader);
        return result;
    }
    result.layout = ConstantLayout::LegacyFlatbuffer;
    result.constants = readLegacy(section, file);
    return result;
}

} // namespace pteron::vgf
