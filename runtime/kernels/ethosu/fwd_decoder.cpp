#include "runtime/kernels/ethosu/fwd_decoder.hpp"

#include "runtime/runtime_error.hpp"

#include <string>

namespace pteron::runtime::ethosu {
namespace {

// Fields packed least significant bit first, bytes in address order.
class BitReader {
  public:
    explicit BitReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    unsigned read(unsigned bits) {
        require(bits);
        unsigned value = 0;
        for (unsigned i = 0; i < bits; ++i, ++position_)
            value |= ((bytes_[position_ / 8] >> (position_ % 8)) & 1u) << i;
        return value;
    }
    void skip(unsigned bits) {
        require(bits);
        position_ += bits;
    }

  private:
    void require(unsigned bits) const {
        if (position_ + bits > bytes_.size() * 8)
            throw RuntimeError("Ethos-U85 fast weight stream of " + std::to_string(bytes_.size()) +
                               " bytes ends inside a field at bit " + std::to_string(position_));
    }

    std::span<const std::uint8_t> bytes_;
    std::size_t position_ = 0;
};

// Table entries keep the sign in bit 0 and the magnitude above it.
std::int16_t unfold(unsigned folded) {
    const auto magnitude = static_cast<std::int16_t>(folded >> 1);
    return (folded & 1) ? static_cast<std::int16_t>(-magnitude) : magnitude;
}

} // namespace

std::vector<std::int16_t> decodeFwd(std::span<const std::uint8_t> bytes, std::size_t count) {
    if (count > bytes.size() * 4)
        throw RuntimeError("Ethos-U85 fast weight stream of " + std::to_string(bytes.size()) +
                           " bytes cannot hold " + std::to_string(count) + " weights");
    BitReader reader(bytes);
    const bool raw = reader.read(1);
    const bool smallTable = reader.read(1);
    reader.skip(102);
    const auto zeroAdjust = static_cast<std::int8_t>(reader.read(8));
    std::int16_t table[16];
    for (auto& entry : table)
        entry = unfold(reader.read(9));
    std::vector<std::int16_t> weights;
    weights.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (raw) {
            // Stored as (weight + zero adjustment) in 8 bits.
            const auto stored = static_cast<std::int8_t>(reader.read(8));
            weights.push_back(static_cast<std::int16_t>(stored - zeroAdjust));
        } else {
            weights.push_back(table[reader.read(smallTable ? 2 : 4)]);
        }
    }
    return weights;
}

} // namespace pteron::runtime::ethosu
