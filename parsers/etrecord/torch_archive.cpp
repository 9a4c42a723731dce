#include "parsers/etrecord/torch_archive.hpp"

#include "core/format_error.hpp"
#include "core/mapped_file.hpp"
#include "parsers/common/zip_archive.hpp"
#include "parsers/etrecord/torch_pickle.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::etrecord {

namespace {

const std::string kFormat = "torch.save";

[[noreturn]] void fail(const std::string& name, const std::string& where,
                       const std::string& expected) {
    throw FormatError(name, kFormat, where, expected);
}

std::string textOf(const ByteView& bytes) {
    std::string text(reinterpret_cast<const char*>(bytes.bytes().data()), bytes.size());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

// The folder every member sits in ("archive/"), from the one data.pkl.
std::string prefixOf(const ZipArchive& zip, const std::string& name) {
    const ZipEntry* pickle = nullptr;
    for (const auto& entry : zip.entries()) {
        if (!entry.name.ends_with("data.pkl")) continue;
        const auto folder = entry.name.substr(0, entry.name.size() - 8);
        if (!folder.empty() && (folder.back() != '/' || folder.find('/') != folder.size() - 1))
            continue;
        if (pickle) fail(name, "member " + entry.name, "one data.pkl in the archive");
        pickle = &entry;
    }
    if (!pickle) fail(name, "central directory", "a member <folder>/data.pkl (torch.save)");
    return pickle->name.substr(0, pickle->name.size() - 8);
}

std::uint64_t elementBytes(const PickledTensor& tensor) {
    return tensor.untypedStorage ? 1 : dtypeStorageBytes(tensor.dtype, 1);
}

// Checks the view fits its storage; returns its element count.
std::uint64_t checkedView(const PickledTensor& tensor, std::uint64_t storageElements,
                          const std::string& name, const std::string& where) {
    std::uint64_t count = 1;
    std::uint64_t last = static_cast<std::uint64_t>(tensor.offset);
    for (std::size_t d = 0; d < tensor.sizes.size(); ++d) {
        const auto size = tensor.sizes[d];
        const auto stride = tensor.strides[d];
        if (size < 0 || stride < 0) fail(name, where, "non-negative sizes and strides");
        if (size == 0) return 0;
        const auto extent = static_cast<std::uint64_t>(size - 1);
        if (count > UINT64_MAX / static_cast<std::uint64_t>(size) ||
            (stride > 0 && extent > (UINT64_MAX - last) / static_cast<std::uint64_t>(stride)))
            fail(name, where, "a tensor whose element count fits 64 bits");
        count *= static_cast<std::uint64_t>(size);
        last += extent * static_cast<std::uint64_t>(stride);
    }
    if (last >= storageElements)
        fail(name, where,
             "a view inside its storage of " + std::to_string(storageElements) +
                 " elements, reaching element " + std::to_string(last));
    return count;
}

bool isContiguous(const PickledTensor& tensor) {
    std::int64_t expected = 1;
    for (std::size_t d = tensor.sizes.size(); d-- > 0;) {
        if (tensor.sizes[d] != 1 && tensor.strides[d] != expected) return false;
        expected *= tensor.sizes[d];
    }
    return true;
}

// The tensor's elements in row-major order: a view when already contiguous, else a copy no
// larger than its storage (an expanded view is refused rather than inflated).
ByteView logicalBytes(const PickledTensor& tensor, const ByteView& storage, std::uint64_t count,
                      const std::string& name, const std::string& where) {
    const auto width = dtypeStorageBytes(tensor.dtype, 1);
    if (width == 0) fail(name, where, "an element type of whole bytes");
    const auto start = static_cast<std::uint64_t>(tensor.offset) * width;
    if (count == 0) return storage.sub(0, 0);
    if (isContiguous(tensor)) return storage.sub(start, count * width);
    if (count * width > storage.size())
        fail(name, where, "a strided tensor no larger than its storage");
    std::vector<std::byte> out(count * width);
    std::vector<std::int64_t> index(tensor.sizes.size(), 0);
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t element = static_cast<std::uint64_t>(tensor.offset);
        for (std::size_t d = 0; d < index.size(); ++d)
            element += static_cast<std::uint64_t>(index[d] * tensor.strides[d]);
        std::memcpy(out.data() + i * width, storage.bytes().data() + element * width, width);
        for (std::size_t d = index.size(); d-- > 0;) {
            if (++index[d] < tensor.sizes[d]) break;
            index[d] = 0;
        }
    }
    auto owner = MappedFile::fromBytes(name + " (" + where + ")", out);
    return ByteView(owner, owner->bytes());
}

} // namespace

const SavedTensor* SavedTensors::find(std::string_view key) const {
    for (const auto& [name, tensor] : tensors)
        if (name == key) return &tensor;
    return nullptr;
}

SavedTensors readTorchArchive(const ByteView& archive, const std::string& name) {
    SavedTensors result;
    if (archive.empty()) return result;
    const ZipArchive zip(archive, name);
    const auto prefix = prefixOf(zip, name);
    if (const auto* order = zip.find(prefix + "byteorder")) {
        const auto text = textOf(zip.contents(*order));
        if (text != "little")
            fail(name, "member " + order->name, "little-endian storages, found \"" + text + "\"");
    }
    if (const auto* version = zip.find(prefix + "version"))
        result.serializationVersion = textOf(zip.contents(*version));
    const auto pickleBytes = zip.contents(*zip.find(prefix + "data.pkl"));
    const auto pickle = readTorchPickle(pickleBytes.bytes(), name + "!" + prefix + "data.pkl");
    const auto& root = pickle.at(pickle.root);
    if (root.kind != PickleKind::Dict)
        fail(name, "member " + prefix + "data.pkl", "a dict of tensors at the pickle's root");
    for (std::size_t i = 0; i + 1 < root.items.size(); i += 2) {
        const auto& key = pickle.at(root.items[i]);
        const auto& item = pickle.at(root.items[i + 1]);
        if (key.kind != PickleKind::String)
            fail(name, "member " + prefix + "data.pkl", "string keys in the state dict");
        if (item.kind != PickleKind::Tensor) {
            result.otherKeys.push_back(key.text);
            continue;
        }
        const auto& tensor = item.tensor;
        const auto where = "tensor " + key.text + " (storage " + tensor.storageKey + ")";
        const auto* member = zip.find(prefix + "data/" + tensor.storageKey);
        if (!member) fail(name, where, "a member " + prefix + "data/" + tensor.storageKey);
        const auto storage = zip.contents(*member);
        const auto width = elementBytes(tensor);
        if (width == 0 || tensor.storageCount > UINT64_MAX / width ||
            storage.size() != tensor.storageCount * width)
            fail(name, where,
                 "a storage of " + std::to_string(tensor.storageCount) + " elements, found " +
                     std::to_string(storage.size()) + " bytes");
        const auto tensorWidth = dtypeStorageBytes(tensor.dtype, 1);
        if (tensorWidth == 0) fail(name, where, "an element type of whole bytes");
        const auto elements = storage.size() / tensorWidth;
        const auto count = checkedView(tensor, elements, name, where);
        SavedTensor saved;
        saved.dtype = tensor.dtype;
        saved.shape = tensor.sizes;
        saved.parameter = tensor.parameter;
        saved.storageKey = tensor.storageKey;
        saved.data = logicalBytes(tensor, storage, count, name, where);
        result.tensors.emplace_back(key.text, std::move(saved));
    }
    return result;
}

} // namespace pteron::etrecord
