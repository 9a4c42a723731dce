#include "tests/support/robustness.hpp"

#include "core/format_error.hpp"
#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <vector>

namespace pteron::testing {

namespace {

Model readDamaged(const FormatRegistry& registry, const std::string& label,
                  std::vector<std::byte> bytes, const DamageOptions& options) {
    if (options.companionCopy.empty())
        return registry.read(MappedFile::fromBytes(label, std::move(bytes)));
    {
        std::ofstream out(options.companionCopy, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    }
    ReadOptions read;
    read.companions.push_back(options.companionCopy);
    return registry.open(options.program, read);
}

// Returns true when the copy read into a model.
bool readOnce(const FormatRegistry& registry, const std::string& label,
              std::vector<std::byte> bytes, const DamageOptions& options, DamageReport& report) {
    ++report.attempts;
    try {
        const auto model = readDamaged(registry, label, std::move(bytes), options);
        if (options.inspect) options.inspect(model);
        ++report.readOk;
        return true;
    } catch (const FormatError&) {
        ++report.formatErrors;
    } catch (const std::exception& error) {
        FAIL(label << ": unexpected exception " << error.what());
    }
    return false;
}

} // namespace

DamageReport damageAndRead(const FormatRegistry& registry, const std::string& path,
                           std::size_t truncations, std::size_t flips) {
    DamageOptions options;
    options.truncations = truncations;
    options.flips = flips;
    return damageAndRead(registry, path, options);
}

DamageReport damageAndRead(const FormatRegistry& registry, const std::string& path,
                           const DamageOptions& options) {
    auto original = MappedFile::open(path);
    const auto whole = original->bytes();
    DamageReport report;
    std::mt19937_64 random(0x5054455230ULL ^ whole.size());

    // The untouched bytes first, outside the counts, so a reader that refuses everything shows.
    DamageReport untouched;
    report.originalReads =
        readOnce(registry, path, {whole.begin(), whole.end()}, options, untouched);
    for (std::size_t i = 0; i < options.truncations && !whole.empty(); ++i) {
        // Dense near the start (headers), spread over the rest.
        const std::size_t length = i < options.truncations / 2 ? std::min(whole.size() - 1, i * 3)
                                                               : random() % whole.size();
        const auto before = report.formatErrors;
        readOnce(registry, path + " truncated to " + std::to_string(length),
                 {whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(length)}, options,
                 report);
        report.truncationErrors += report.formatErrors - before;
    }
    for (std::size_t i = 0; i < options.flips && !whole.empty(); ++i) {
        std::vector<std::byte> copy(whole.begin(), whole.end());
        // Half the flips land in the first 4 KiB where tables and headers live.
        const std::size_t span =
            (i % 2 == 0) ? std::min<std::size_t>(copy.size(), 4096) : copy.size();
        const std::size_t at = random() % span;
        copy[at] ^= static_cast<std::byte>(1u + random() % 255u);
        readOnce(registry, path + " flipped at " + std::to_string(at), std::move(copy), options,
                 report);
    }
    return report;
}

} // namespace pteron::testing
