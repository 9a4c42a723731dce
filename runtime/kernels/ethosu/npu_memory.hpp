// The memory an Ethos-U command stream addresses: eight base-pointer regions plus the NPU's
// internal SHRAM (lookup tables), each access bounds-checked against what was reserved.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace pteron::runtime::ethosu {

class NpuMemory {
  public:
    static constexpr unsigned kBasePointers = 8;
    static constexpr unsigned kShram = 8; // index of the internal memory
    static constexpr unsigned kRegions = 9;

    // `budget` bounds the bytes all regions together may reserve.
    explicit NpuMemory(std::uint64_t budget) : budget_(budget) {}

    // Grows `region` to hold at least `end` bytes (zero-filled); RuntimeError past the budget.
    void reserve(unsigned region, std::uint64_t end);
    std::uint64_t size(unsigned region) const;

    // The bytes [begin, begin + length) of a region; RuntimeError when they are not all inside.
    std::span<const std::uint8_t> read(unsigned region, std::uint64_t begin,
                                       std::uint64_t length) const;
    std::span<std::uint8_t> write(unsigned region, std::uint64_t begin, std::uint64_t length);

  private:
    void check(unsigned region, std::uint64_t begin, std::uint64_t length) const;

    std::array<std::vector<std::uint8_t>, kRegions> regions_;
    std::uint64_t budget_ = 0;
    std::uint64_t reserved_ = 0;
};

} // namespace pteron::runtime::ethosu
