// Reads the tensors of a torch.save ZIP archive (data.pkl plus data/<key> storages), as ETRecord
// stores state dicts and constants.
#pragma once

#include "core/byte_view.hpp"
#include "core/dtype.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pteron::etrecord {

struct SavedTensor {
    DType dtype = DType::Unknown;
    std::vector<std::int64_t> shape;
    ByteView data; // elements in logical (row-major) order
    bool parameter = false;
    std::string storageKey;
};

struct SavedTensors {
    std::vector<std::pair<std::string, SavedTensor>> tensors; // the top-level dict's tensors
    std::vector<std::string> otherKeys;                       // entries that are not tensors
    std::string serializationVersion;                         // archive/version, e.g. "3"

    const SavedTensor* find(std::string_view key) const;
};

// `archive` is the bytes of one torch.save file; `name` says where it is ("file!member") for
// errors. An empty archive is an empty dict, as ExecuTorch writes for an empty artifact. Throws
// FormatError for a damaged archive, a forbidden pickle, or storages that do not hold the
// tensors viewing them.
SavedTensors readTorchArchive(const ByteView& archive, const std::string& name);

} // namespace pteron::etrecord
