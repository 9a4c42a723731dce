#include "parsers/pte/flat_tensor_reader.hpp"

#include "core/little_endian_reader.hpp"
#include "core/scalar_type.hpp"
#include "flat_tensor_generated.h"
#include "parsers/common/flatbuffer_check.hpp"

namespace pteron {

namespace {

namespace ptd = fb::ptd;
constexpr const char* kFormat = "executorch-ptd";

struct FlatTensorHeader {
    std::uint64_t flatbufferEnd = 0;
    std::uint64_t segmentBase = 0;
};

FlatTensorHeader readHeader(const MappedFile& file) {
    LittleEndianReader reader(file.bytes(), file.path(), kFormat);
    FlatTensorHeader header;
    if (!hasTag(file.bytes(), 8, "FH01")) {
        header.flatbufferEnd = file.size();
        return header;
    }
    const auto length = reader.u32(12, "FH01 header length");
    if (length < 40)
        reader.fail(12, "an FH01 header length of 40, found " + std::to_string(length));
    const auto fbOffset = reader.u64(16, "FH01 flatbuffer_offset");
    const auto fbSize = reader.u64(24, "FH01 flatbuffer_size");
    header.segmentBase = reader.u64(32, "FH01 segment_base_offset");
    if (fbOffset > file.size() || fbSize > file.size() - fbOffset)
        reader.fail(16, "flatbuffer range inside the file");
    header.flatbufferEnd = fbOffset + fbSize;
    if (header.segmentBase > file.size()) reader.fail(32, "segment_base_offset inside the file");
    return header;
}

ByteView segmentView(const std::shared_ptr<const MappedFile>& file, const FlatTensorHeader& header,
                     std::uint64_t offset, std::uint64_t size, const std::string& path) {
    LittleEndianReader reader(file->bytes(), file->path(), kFormat);
    const std::uint64_t start = header.segmentBase + offset;
    if (start < offset || !reader.has(start, size))
        reader.fail(start,
                    path + ": " + std::to_string(size) + " bytes of segment data in the file");
    return ByteView(file, file->bytes().subspan(start, size));
}

std::vector<std::int64_t> sizesOf(const flatbuffers::Vector<std::int32_t>* sizes) {
    std::vector<std::int64_t> result;
    if (sizes)
        for (auto size : *sizes)
            result.push_back(size);
    return result;
}

std::size_t readCurrent(const std::shared_ptr<const MappedFile>& file,
                        const FlatTensorHeader& header, const ptd::FlatTensor& root,
                        NamedDataStore& store) {
    std::size_t added = 0;
    const auto* segments = root.segments();
    if (!root.named_data()) return 0;
    for (flatbuffers::uoffset_t i = 0; i < root.named_data()->size(); ++i) {
        const auto* entry = root.named_data()->Get(i);
        const std::string path = "FlatTensor.named_data[" + std::to_string(i) + "]";
        if (!entry->key() || !segments || entry->segment_index() >= segments->size())
            throw FormatError(file->path(), kFormat, path, "a key and a valid segment_index");
        const auto* segment = segments->Get(entry->segment_index());
        NamedBlob blob{segmentView(file, header, segment->offset(), segment->size(), path),
                       file->path(),
                       std::nullopt,
                       {}};
        if (const auto* layout = entry->tensor_layout()) {
            blob.dtype = dtypeFromScalarType(static_cast<std::int8_t>(layout->scalar_type()));
            blob.sizes = sizesOf(layout->sizes());
        }
        store.add(entry->key()->str(), std::move(blob));
        ++added;
    }
    return added;
}

std::size_t readLegacy(const std::shared_ptr<const MappedFile>& file,
                       const FlatTensorHeader& header, const ptd::LegacyFlatTensor& root,
                       NamedDataStore& store) {
    std::size_t added = 0;
    const auto* segments = root.segments();
    if (!root.tensors()) return 0;
    for (flatbuffers::uoffset_t i = 0; i < root.tensors()->size(); ++i) {
        const auto* tensor = root.tensors()->Get(i);
        const std::string path = "FlatTensor.tensors[" + std::to_string(i) + "]";
        const auto segmentIndex = static_cast<std::uint32_t>(tensor->segment_index());
        if (!tensor->fully_qualified_name() || !segments || segmentIndex >= segments->size())
            throw FormatError(file->path(), kFormat, path, "a name and a valid segment_index");
        const auto* segment = segments->Get(segmentIndex);
        const DType dtype = dtypeFromScalarType(static_cast<std::int8_t>(tensor->scalar_type()));
        auto sizes = sizesOf(tensor->sizes());
        std::uint64_t elements = 1;
        for (auto size : sizes)
            elements *= static_cast<std::uint64_t>(std::max<std::int64_t>(size, 0));
        const auto bytes = dtypeStorageBytes(dtype, elements);
        if (tensor->offset() > segment->size() || bytes > segment->size() - tensor->offset())
            throw FormatError(file->path(), kFormat, path, "tensor bytes inside its segment");
        NamedBlob blob{segmentView(file, header, segment->offset() + tensor->offset(), bytes, path),
                       file->path(), dtype, std::move(sizes)};
        store.add(tensor->fully_qualified_name()->str(), std::move(blob));
        ++added;
    }
    return added;
}

} // namespace

std::size_t readFlatTensor(const std::shared_ptr<const MappedFile>& file, NamedDataStore& store) {
    const auto header = readHeader(*file);
    const auto region = file->bytes().first(header.flatbufferEnd);
    FlatbufferSource source{file->path(), kFormat, "FlatTensor", 0};
    // The early layout has a fourth root field (segments); the current one has three.
    const auto* legacy = rootIfValid<ptd::LegacyFlatTensor>(region, "FT01");
    if (legacy && legacy->segments() && legacy->tensors())
        return readLegacy(file, header, *legacy, store);
    const auto* root = verifiedRoot<ptd::FlatTensor>(region, "FT01", source);
    return readCurrent(file, header, *root, store);
}

} // namespace pteron
