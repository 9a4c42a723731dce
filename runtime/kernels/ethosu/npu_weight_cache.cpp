#include "runtime/kernels/ethosu/npu_weight_cache.hpp"

#include <algorithm>

namespace pteron::runtime::ethosu {

std::shared_ptr<const DecodedWeights>
WeightCache::find(const Key& key, std::span<const std::uint8_t> weightBytes,
                  std::span<const std::uint8_t> scaleBytes) const {
    const std::lock_guard lock(mutex_);
    const auto found = entries_.find(key);
    if (found == entries_.end()) return nullptr;
    const auto& entry = found->second;
    if (!std::ranges::equal(entry.weightBytes, weightBytes) ||
        !std::ranges::equal(entry.scaleBytes, scaleBytes))
        return nullptr;
    return entry.decoded;
}

void WeightCache::store(const Key& key, std::span<const std::uint8_t> weightBytes,
                        std::span<const std::uint8_t> scaleBytes,
                        std::shared_ptr<const DecodedWeights> decoded) {
    const std::lock_guard lock(mutex_);
    entries_.insert_or_assign(key, Entry{{weightBytes.begin(), weightBytes.end()},
                                         {scaleBytes.begin(), scaleBytes.end()},
                                         std::move(decoded)});
}

} // namespace pteron::runtime::ethosu
