// The Ethos-U command-stream wrapper (COP1/COP2): which NPU it targets and where the commands are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace pteron::ethosu {

enum class Product : std::uint8_t { U55, U65, U85, Unknown };

std::string_view productName(Product product); // "ethos-u55"

struct HardwareConfig {
    std::string wrapper; // "COP1" or "COP2"
    Product product = Product::Unknown;
    unsigned macsPerCycle = 0;
    unsigned commandStreamVersion = 0;
    unsigned shramKilobytes = 0; // U55/U65 only
    unsigned archMajor = 0;
    unsigned archMinor = 0;
    unsigned archPatch = 0;
    unsigned driverRelease = 0; // COP1 OPTCFG release/patch
    unsigned driverPatch = 0;
    std::uint32_t configWord = 0;
    std::uint32_t idWord = 0;

    // "ethos-u55-128", the accelerator name Vela and ExecuTorch use.
    std::string target() const;
    std::string archVersion() const; // "1.0.6"
    bool usesU85Registers() const { return product == Product::U85; }
};

struct WrappedStream {
    HardwareConfig config;
    std::span<const std::byte> commands; // register command words, a multiple of 4 bytes
    std::uint64_t commandsOffset = 0;    // offset of the commands inside the wrapper
};

// True when `bytes` start with "COP1" or "COP2".
bool hasCommandStreamMagic(std::span<const std::byte> bytes);

// Parses the wrapper header; `file`/`base` name the bytes in errors. Throws FormatError.
WrappedStream unwrapCommandStream(std::span<const std::byte> bytes, const std::string& file,
                                  std::uint64_t base);

} // namespace pteron::ethosu
