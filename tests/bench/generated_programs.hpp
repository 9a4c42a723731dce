// Large generated programs for benchmarks: many kernel calls and big (sparse) constant data.
#pragma once

#include <cstdint>
#include <string>

namespace pteron::testing {

// Writes a .pte with `calls` aten::add.out kernel calls and about `constantBytes` of constants.
void writeLargeProgram(const std::string& path, std::size_t calls, std::uint64_t constantBytes);

// Writes a .pte with `delegates` Ethos-U delegate calls, each carrying a copy of the first
// Ethos-U payload of the program at `source` (the MobileNetV2 stream: 984 NPU operations) and
// reading the program's int8 [1,3,224,224] input. Throws std::runtime_error when `source` has
// no Ethos-U payload.
void writeEthosUDelegatesProgram(const std::string& path, const std::string& source,
                                 std::size_t delegates);

} // namespace pteron::testing
