#include "parsers/tosa/tosa_metadata.hpp"

namespace pteron::tosa {

Attributes versionAttributes(const TosaDecoded& decoded) {
    const auto& version = decoded.version;
    Attributes attributes{
        {"tosa version", std::to_string(version.major) + "." + std::to_string(version.minor) + "." +
                             std::to_string(version.patch)},
        {"draft", version.draft},
        {"schema", std::string(schemaName(decoded.schema))},
    };
    if (!decoded.softwareVersion.empty())
        attributes.push_back({"software version", decoded.softwareVersion});
    return attributes;
}

} // namespace pteron::tosa
