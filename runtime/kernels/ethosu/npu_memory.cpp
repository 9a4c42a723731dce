#include "runtime/kernels/ethosu/npu_memory.hpp"

#include "runtime/runtime_error.hpp"

#include <cstdint>
#include <string>

namespace pteron::runtime::ethosu {

NpuMemory::NpuMemory(std::uint64_t budget) : budget_(budget) {
    for (unsigned r = 0; r < kRegions; ++r)
        windows_[r] = {r, 0};
}

void NpuMemory::bind(unsigned region, unsigned storage, std::uint64_t offset) {
    if (region >= kRegions || storage >= kStorages || offset > budget_)
        throw RuntimeError("Ethos-U region " + std::to_string(region) +
                           " cannot be bound at offset " + std::to_string(offset));
    windows_[region] = {storage, offset};
}

void NpuMemory::reserve(unsigned region, std::uint64_t end) {
    if (region >= kRegions)
        throw RuntimeError("Ethos-U memory region " + std::to_string(region) + " does not exist");
    const auto& window = windows_[region];
    // Both terms are within the budget, so their sum cannot wrap.
    const auto needed = end <= budget_ ? window.offset + end : UINT64_MAX;
    grow(window.storage, needed, end, region);
}

void NpuMemory::grow(unsigned storage, std::uint64_t needed, std::uint64_t end, unsigned region) {
    auto& bytes = storages_[storage];
    if (needed <= bytes.size()) return;
    const auto growth = needed - bytes.size();
    if (end > budget_ || growth > budget_ - reserved_)
        throw RuntimeError("Ethos-U region " + std::to_string(region) + " would need " +
                           std::to_string(end) + " bytes, past the " + std::to_string(budget_) +
                           "-byte budget of the command stream's memory");
    reserved_ += growth;
    bytes.resize(static_cast<std::size_t>(needed));
}

void NpuMemory::reserveArena(std::uint64_t end) {
    grow(kArena, end, end, kArena);
}

void NpuMemory::checkArena(std::uint64_t begin, std::uint64_t length) const {
    const auto available = storages_[kArena].size();
    if (begin <= available && length <= available - begin) return;
    throw RuntimeError("Ethos-U access to the arena bytes [" + std::to_string(begin) + ", +" +
                       std::to_string(length) + ") lies outside its " + std::to_string(available) +
                       " bytes");
}

std::span<const std::uint8_t> NpuMemory::readArena(std::uint64_t begin,
                                                   std::uint64_t length) const {
    checkArena(begin, length);
    return {storages_[kArena].data() + begin, static_cast<std::size_t>(length)};
}

std::span<std::uint8_t> NpuMemory::writeArena(std::uint64_t begin, std::uint64_t length) {
    checkArena(begin, length);
    return {storages_[kArena].data() + begin, static_cast<std::size_t>(length)};
}

std::uint64_t NpuMemory::size(unsigned region) const {
    if (region >= kRegions) return 0;
    const auto& window = windows_[region];
    const auto total = storages_[window.storage].size();
    return total > window.offset ? total - window.offset : 0;
}

void NpuMemory::check(unsigned region, std::uint64_t begin, std::uint64_t length) const {
    const auto available = size(region);
    if (region < kRegions && begin <= available && length <= available - begin) return;
    throw RuntimeError("Ethos-U access to region " + std::to_string(region) + " bytes [" +
                       std::to_string(begin) + ", +" + std::to_string(length) +
                       ") lies outside its " + std::to_string(available) + " bytes");
}

std::span<const std::uint8_t> NpuMemory::read(unsigned region, std::uint64_t begin,
                                              std::uint64_t length) const {
    check(region, begin, length);
    const auto& window = windows_[region];
    return {storages_[window.storage].data() + window.offset + begin,
            static_cast<std::size_t>(length)};
}

std::span<std::uint8_t> NpuMemory::write(unsigned region, std::uint64_t begin,
                                         std::uint64_t length) {
    check(region, begin, length);
    const auto& window = windows_[region];
    return {storages_[window.storage].data() + window.offset + begin,
            static_cast<std::size_t>(length)};
}

} // namespace pteron::runtime::ethosu
