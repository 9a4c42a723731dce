// The memory an Ethos-U command stream addresses: eight base-pointer regions plus the NPU's
// internal SHRAM (lookup tables), each access bounds-checked against what was reserved. A region
// is a window on a storage: its own by default, or a shared arena (TFLite Micro places a Vela
// operator's scratch and feature maps in one arena, so their regions overlap).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace pteron::runtime::ethosu {

class NpuMemory {
  public:
    static constexpr unsigned kBasePointers = 8;
    static constexpr unsigned kShram = 8; // region index of the internal memory
    static constexpr unsigned kRegions = 9;
    static constexpr unsigned kArena = 9; // storage shared by regions bound into it
    static constexpr unsigned kStorages = 10;

    // `budget` bounds the bytes all storages together may reserve.
    explicit NpuMemory(std::uint64_t budget);

    // Makes `region` start at byte `offset` of `storage` (kArena, or a region's own).
    void bind(unsigned region, unsigned storage, std::uint64_t offset);

    // Grows `region` to hold at least `end` bytes (zero-filled); RuntimeError past the budget.
    void reserve(unsigned region, std::uint64_t end);
    std::uint64_t size(unsigned region) const;

    // The bytes [begin, begin + length) of a region; RuntimeError when they are not all inside.
    std::span<const std::uint8_t> read(unsigned region, std::uint64_t begin,
                                       std::uint64_t length) const;
    std::span<std::uint8_t> write(unsigned region, std::uint64_t begin, std::uint64_t length);

    // The shared arena itself, for operands beyond the eight base pointers that live in it (the
    // stream reaches them through the scratch region's window on the same bytes).
    void reserveArena(std::uint64_t end);
    std::span<const std::uint8_t> readArena(std::uint64_t begin, std::uint64_t length) const;
    std::span<std::uint8_t> writeArena(std::uint64_t begin, std::uint64_t length);

  private:
    struct Window {
        unsigned storage = 0;
        std::uint64_t offset = 0;
    };
    void check(unsigned region, std::uint64_t begin, std::uint64_t length) const;
    void grow(unsigned storage, std::uint64_t needed, std::uint64_t end, unsigned region);
    void checkArena(std::uint64_t begin, std::uint64_t length) const;

    std::array<std::vector<std::uint8_t>, kStorages> storages_;
    std::array<Window, kRegions> windows_{};
    std::uint64_t budget_ = 0;
    std::uint64_t reserved_ = 0;
};

} // namespace pteron::runtime::ethosu
