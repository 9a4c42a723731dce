// Decoded weight and scale streams kept across runs of one interpreter: decoding the compressed
// streams costs about a quarter of an inference. An entry is reused only while the stream bytes
// it was decoded from are unchanged, so a stream the NPU itself rewrote is decoded again.
#pragma once

#include "runtime/kernels/ethosu/npu_weights.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <tuple>
#include <vector>

namespace pteron {
struct Model;
}

namespace pteron::runtime::ethosu {

// A convolution's weights (transposed to [ky][kx][ifm][ofm] for the inner loop) and scales.
struct DecodedWeights {
    ChannelWeights weights;
    std::vector<std::int16_t> transposed;
    std::vector<ChannelScale> scales;
};

class WeightCache {
  public:
    struct Key {
        const Model* model = nullptr;
        std::size_t graph = 0, node = 0;
        auto operator<=>(const Key&) const = default;
    };

    // The entry for `key` when it was decoded from exactly these bytes, else null.
    std::shared_ptr<const DecodedWeights> find(const Key& key,
                                               std::span<const std::uint8_t> weightBytes,
                                               std::span<const std::uint8_t> scaleBytes) const;
    void store(const Key& key, std::span<const std::uint8_t> weightBytes,
               std::span<const std::uint8_t> scaleBytes,
               std::shared_ptr<const DecodedWeights> decoded);

  private:
    struct Entry {
        std::vector<std::uint8_t> weightBytes, scaleBytes;
        std::shared_ptr<const DecodedWeights> decoded;
    };
    mutable std::mutex mutex_;
    std::map<Key, Entry> entries_;
};

} // namespace pteron::runtime::ethosu
