#include "runtime/kernels/ethosu/npu_memory.hpp"

#include "runtime/runtime_error.hpp"

#include <string>

namespace pteron::runtime::ethosu {

void NpuMemory::reserve(unsigned region, std::uint64_t end) {
    if (region >= kRegions)
        throw RuntimeError("Ethos-U memory region " + std::to_string(region) + " does not exist");
    auto& bytes = regions_[region];
    if (end <= bytes.size()) return;
    const auto growth = end - bytes.size();
    if (growth > budget_ - reserved_)
        throw RuntimeError("Ethos-U region " + std::to_string(region) + " would need " +
                           std::to_string(end) + " bytes, past the " + std::to_string(budget_) +
                           "-byte budget of the command stream's memory");
    reserved_ += growth;
    bytes.resize(static_cast<std::size_t>(end));
}

std::uint64_t NpuMemory::size(unsigned region) const {
    return region < kRegions ? regions_[region].size() : 0;
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
    return {regions_[region].data() + begin, static_cast<std::size_t>(length)};
}

std::span<std::uint8_t> NpuMemory::write(unsigned region, std::uint64_t begin,
                                         std::uint64_t length) {
    check(region, begin, length);
    return {regions_[region].data() + begin, static_cast<std::size_t>(length)};
}

} // namespace pteron::runtime::ethosu
