// Counts as people read them ("1 element", "32 bytes"), one wording for the CLI, app and exports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pteron {

// `count` and the noun, singular for exactly one: countText(1, "byte") == "1 byte".
std::string countText(std::uint64_t count, std::string_view noun);

} // namespace pteron
