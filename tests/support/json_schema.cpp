#include "tests/support/json_schema.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace pteron::testing {

namespace {

bool hasType(const nlohmann::json& value, const std::string& type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    throw std::invalid_argument("schema names unknown type " + type);
}

bool matchesType(const nlohmann::json& type, const nlohmann::json& value) {
    if (type.is_string()) return hasType(value, type.get<std::string>());
    return std::any_of(type.begin(), type.end(), [&value](const auto& name) {
        return hasType(value, name.template get<std::string>());
    });
}

} // namespace

JsonSchema JsonSchema::fromFile(const std::string& path) {
    std::ifstream stream(path);
    if (!stream) throw std::invalid_argument("cannot read schema " + path);
    return JsonSchema(nlohmann::json::parse(stream));
}

const nlohmann::json& JsonSchema::resolve(const nlohmann::json& schema) const {
    if (!schema.contains("$ref")) return schema;
    const auto ref = schema.at("$ref").get<std::string>();
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0) throw std::invalid_argument("unsupported $ref " + ref);
    return schema_.at("$defs").at(ref.substr(prefix.size()));
}

void JsonSchema::check(const nlohmann::json& unresolved, const nlohmann::json& value,
                       const std::string& where, std::vector<std::string>& errors) const {
    const auto& schema = resolve(unresolved);
    if (schema.contains("type") && !matchesType(schema["type"], value)) {
        errors.push_back(where + ": expected type " + schema["type"].dump() + ", found " +
                         value.type_name());
        return;
    }
    if (schema.contains("enum")) {
        const auto& options = schema["enum"];
        if (std::find(options.begin(), options.end(), value) == options.end())
            errors.push_back(where + ": " + value.dump() + " is not one of " + options.dump());
    }
    if (value.is_object()) {
        for (const auto& key : schema.value("required", nlohmann::json::array()))
            if (!value.contains(key.get<std::string>()))
                errors.push_back(where + ": missing required " + key.get<std::string>());
        const auto properties = schema.value("properties", nlohmann::json::object());
        for (const auto& [key, item] : value.items()) {
            const auto path = where + "/" + key;
            if (properties.contains(key)) {
                check(properties[key], item, path, errors);
            } else if (schema.contains("additionalProperties")) {
                const auto& extra = schema["additionalProperties"];
                if (extra.is_boolean()) {
                    if (!extra.get<bool>()) errors.push_back(path + ": property not allowed");
                } else {
                    check(extra, item, path, errors);
                }
            }
        }
    }
    if (value.is_array() && schema.contains("items"))
        for (std::size_t i = 0; i < value.size(); ++i)
            check(schema["items"], value[i], where + "/" + std::to_string(i), errors);
}

std::vector<std::string> JsonSchema::validate(const nlohmann::json& document) const {
    std::vector<std::string> errors;
    check(schema_, document, "", errors);
    return errors;
}

} // namespace pteron::testing
