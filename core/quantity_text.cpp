#include "core/quantity_text.hpp"

namespace pteron {

std::string countText(std::uint64_t count, std::string_view noun) {
    auto text = std::to_string(count) + " " + std::string(noun);
    if (count != 1) text += "s";
    return text;
}

} // namespace pteron
