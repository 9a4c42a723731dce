// Damages a real file many ways (truncations, byte flips) and checks each copy reads or fails
// cleanly.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace pteron {
class FormatRegistry;
struct Model;
struct ReadOptions;
} // namespace pteron

namespace pteron::testing {

struct DamageReport {
    std::size_t attempts = 0;
    std::size_t readOk = 0;
    std::size_t formatErrors = 0;
    std::size_t truncationErrors = 0; // FormatErrors among the truncated copies
    bool originalReads = false;       // the undamaged bytes read into a model
};

// Reads `path` truncated at `truncations` lengths and with `flips` single-byte flips (fixed seed).
// Anything other than a valid model or a FormatError fails the current Catch2 test.
DamageReport damageAndRead(const FormatRegistry& registry, const std::string& path,
                           std::size_t truncations = 64, std::size_t flips = 64);

// Damage options: what else to do with each model that reads, and companions to pass along.
struct DamageOptions {
    std::size_t truncations = 64;
    std::size_t flips = 64;
    // Runs on every model that reads (e.g. print its summary); may only throw FormatError.
    std::function<void(const Model&)> inspect;
    // When set, the damaged bytes are written to this file and `open(program)` reads them: used to
    // damage a companion (.ptd) that the program at `program` names explicitly.
    std::string companionCopy;
    std::string program;
};

DamageReport damageAndRead(const FormatRegistry& registry, const std::string& path,
                           const DamageOptions& options);

} // namespace pteron::testing
