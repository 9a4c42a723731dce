// Damages a real file many ways (truncations, byte flips) and checks each copy reads or fails
// cleanly.
#pragma once

#include <cstddef>
#include <string>

namespace pteron {
class FormatRegistry;
}

namespace pteron::testing {

struct DamageReport {
    std::size_t attempts = 0;
    std::size_t readOk = 0;
    std::size_t formatErrors = 0;
};

// Reads `path` truncated at `truncations` lengths and with `flips` single-byte flips (fixed seed).
// Anything other than a valid model or a FormatError fails the current Catch2 test.
DamageReport damageAndRead(const FormatRegistry& registry, const std::string& path,
                           std::size_t truncations = 64, std::size_t flips = 64);

} // namespace pteron::testing
