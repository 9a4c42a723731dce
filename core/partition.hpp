// Where nodes run: a backend partition with device class, target and compile specs.
#pragma once

#include "core/attribute.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pteron {

enum class DeviceClass : std::uint8_t { CPU, NPU, GPU, DSP, Unknown };
std::string_view deviceClassName(DeviceClass device);

struct CompileSpec {
    std::string key;
    std::string text; // printable value: UTF-8 text as is, binary as hex
    bool binary = false;
};

struct Partition {
    std::string backend; // as written in the file: "XnnpackBackend", "portable", "cpu"
    DeviceClass device = DeviceClass::CPU;
    std::string target; // "ethos-u55-128"; empty when the file names none
    std::vector<CompileSpec> compileSpecs;
    bool delegated = false; // runs through a delegate payload rather than host kernels
    std::uint64_t payloadBytes = 0;
    std::string payloadMagic;              // first identifying bytes of the payload, printable
    std::string payloadLocation;           // "inline #0", "segment #2"
    std::optional<std::size_t> childGraph; // model graph index of the decoded payload
    std::string note;                      // e.g. "opaque payload: no decoder for QnnBackend"
    Attributes attributes;                 // format extras (delegate index, scratch size)
};

} // namespace pteron
