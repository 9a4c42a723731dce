// Checks JSON documents against the subset of JSON Schema the project's test schemas use.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pteron::testing {

// Keywords understood: type (name or list), required, properties, items, enum,
// additionalProperties (bool or schema), $ref to "#/$defs/<name>". Others are ignored.
class JsonSchema {
  public:
    explicit JsonSchema(nlohmann::json schema) : schema_(std::move(schema)) {}
    static JsonSchema fromFile(const std::string& path);

    // One line per violation, "<json pointer>: <what>"; empty when `document` conforms.
    std::vector<std::string> validate(const nlohmann::json& document) const;

  private:
    void check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& where,
               std::vector<std::string>& errors) const;
    const nlohmann::json& resolve(const nlohmann::json& schema) const;

    nlohmann::json schema_;
};

} // namespace pteron::testing
