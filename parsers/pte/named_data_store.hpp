// Named blobs available to a program: its own named_data segments and those of .ptd companions.
#pragma once

#include "core/byte_view.hpp"
#include "core/dtype.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

struct NamedBlob {
    ByteView bytes;
    std::string source;         // "program" or the companion's path
    std::optional<DType> dtype; // when the companion records a tensor layout
    std::vector<std::int64_t> sizes;
};

class NamedDataStore {
  public:
    void add(std::string key, NamedBlob blob) {
        blobs_.insert_or_assign(std::move(key), std::move(blob));
    }
    const NamedBlob* find(std::string_view key) const {
        auto it = blobs_.find(key);
        return it == blobs_.end() ? nullptr : &it->second;
    }
    std::size_t size() const { return blobs_.size(); }
    // Adds every blob of `other`, replacing blobs with the same key.
    void addAll(const NamedDataStore& other) {
        for (const auto& [key, blob] : other.blobs_)
            blobs_.insert_or_assign(key, blob);
    }

  private:
    std::map<std::string, NamedBlob, std::less<>> blobs_;
};

} // namespace pteron
