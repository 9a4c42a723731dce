// Packs fields into bytes least significant bit first, as the Ethos-U weight streams (mlw and
// the Ethos-U85 fast format) store them, so tests can build a stream field by field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pteron::testing {

class LsbBitWriter {
  public:
    // Appends the low `bits` bits of `value`, lowest first.
    void put(unsigned value, unsigned bits) {
        for (unsigned i = 0; i < bits; ++i, ++position_) {
            if (position_ / 8 >= bytes_.size()) bytes_.push_back(0);
            bytes_[position_ / 8] |=
                static_cast<std::uint8_t>(((value >> i) & 1u) << (position_ % 8));
        }
    }
    // Bits written so far.
    std::size_t position() const { return position_; }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

  private:
    std::vector<std::uint8_t> bytes_;
    std::size_t position_ = 0;
};

} // namespace pteron::testing
