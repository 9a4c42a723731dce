// Large generated programs for benchmarks: many kernel calls and big (sparse) constant data.
#pragma once

#include <cstdint>
#include <string>

namespace pteron::testing {

// Writes a .pte with `calls` aten::add.out kernel calls and about `constantBytes` of constants.
void writeLargeProgram(const std::string& path, std::size_t calls, std::uint64_t constantBytes);

} // namespace pteron::testing
