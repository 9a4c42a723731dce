// JSON text for every writer: names read from files may hold invalid UTF-8, which is written as
// U+FFFD instead of failing the whole export.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace pteron {

inline std::string jsonText(const nlohmann::json& json, int indent = -1) {
    return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace pteron
