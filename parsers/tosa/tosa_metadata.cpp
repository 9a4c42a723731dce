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
    if (decoded.preFinalDraftDTypes)
        attributes.push_back({"element type numbering", std::string("pre-final draft (chosen)")});
    else if (version.draft && decoded.schema != TosaSchema::V0_80)
        attributes.push_back(
            {"warning", std::string("draft-stamped: element types are read with the final "
                                    "numbering; a file written with a pre-final draft schema "
                                    "(which still had UINT8 and UINT16) reads fp32 as fp16 - "
                                    "open it with --tosa-draft-dtypes pre-final")});
    if (!decoded.softwareVersion.empty())
        attributes.push_back({"software version", decoded.softwareVersion});
    return attributes;
}

} // namespace pteron::tosa
