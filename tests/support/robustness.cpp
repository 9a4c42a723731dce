#include "tests/support/robustness.hpp"

#include "core/format_error.hpp"
#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

namespace pteron::testing {

namespace {

void readOnce(const FormatRegistry& registry, const std::string& label,
              std::vector<std::byte> bytes, DamageReport& report) {
    ++report.attempts;
    auto file = MappedFile::fromBytes(label, bytes);
    try {
        auto model = registry.read(file);
        ++report.readOk;
    } catch (const FormatError&) {
        ++report.formatErrors;
    } catch (const std::exception& error) {
        FAIL(label << ": unexpected exception " << error.what());
    }
}

} // namespace

DamageReport damageAndRead(const FormatRegistry& registry, const std::string& path,
                           std::size_t truncations, std::size_t flips) {
    auto original = MappedFile::open(path);
    const auto whole = original->bytes();
    DamageReport report;
    std::mt19937_64 random(0x5054455230ULL ^ whole.size());

    for (std::size_t i = 0; i < truncations && !whole.empty(); ++i) {
        // Dense near the start (headers), spread over the rest.
        const std::size_t length =
            i < truncations / 2 ? std::min(whole.size() - 1, i * 3) : random() % whole.size();
        readOnce(registry, path + " truncated to " + std::to_string(length),
                 {whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(length)}, report);
    }
    for (std::size_t i = 0; i < flips && !whole.empty(); ++i) {
        std::vector<std::byte> copy(whole.begin(), whole.end());
        // Half the flips land in the first 4 KiB where tables and headers live.
        const std::size_t span =
            (i % 2 == 0) ? std::min<std::size_t>(copy.size(), 4096) : copy.size();
        const std::size_t at = random() % span;
        copy[at] ^= static_cast<std::byte>(1u + random() % 255u);
        readOnce(registry, path + " flipped at " + std::to_string(at), std::move(copy), report);
    }
    return report;
}

} // namespace pteron::testing
