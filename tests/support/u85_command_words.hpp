// Ethos-U85 register commands written word by word, and the one NPU operation node the command
// stream decoder makes of them, for tests that set up a single operation by hand.
#pragma once

#include "core/graph.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pteron::testing {

// A one-word command: opcode and a 16-bit parameter.
inline std::uint32_t cmd0(std::uint32_t opcode, std::int64_t param) {
    return opcode | (static_cast<std::uint32_t>(param) & 0xFFFF) << 16;
}

// A two-word command: opcode, a 16-bit parameter and a 32-bit payload.
inline void cmd1(std::vector<std::uint32_t>& out, std::uint32_t opcode, std::uint32_t param,
                 std::uint32_t payload) {
    out.push_back(opcode | 1u << 14 | (param & 0xFFFF) << 16);
    out.push_back(payload);
}

// Decodes `words` as a U85 command stream holding exactly one operation of `kind` ("RESIZE")
// and returns it as the node "ethosu.<kind>" named `name`; the test fails otherwise.
Node decodedU85Node(const std::vector<std::uint32_t>& words, const std::string& kind,
                    const std::string& name);

} // namespace pteron::testing
