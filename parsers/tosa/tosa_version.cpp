#include "parsers/tosa/tosa_version.hpp"

#include "tosa_header_generated.h"

namespace pteron::tosa {

std::string_view schemaName(TosaSchema schema) {
    switch (schema) {
    case TosaSchema::V0_80:
        return "0.80";
    case TosaSchema::V1_0:
        return "1.0";
    case TosaSchema::V1_1:
        return "1.1";
    }
    return "";
}

std::string TosaVersion::text() const {
    auto result = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    return draft ? result + "-draft" : result;
}

TosaVersion readTosaVersion(std::span<const std::byte> bytes, const FlatbufferSource& source) {
    const auto* root = verifiedRoot<fb::tosa_header::TosaGraph>(bytes, "TOSA", source);
    const auto* version = root->version(); // required, so the verifier guarantees it
    return {version->_major(), version->_minor(), version->_patch(), version->_draft()};
}

TosaSchema schemaFor(const TosaVersion& version, const FlatbufferSource& source) {
    if (version.major == 0 && version.minor == 80) return TosaSchema::V0_80;
    if (version.major == 1 && version.minor == 0) return TosaSchema::V1_0;
    if (version.major == 1 && version.minor == 1) return TosaSchema::V1_1;
    throw FormatError(source.file, source.format,
                      atOffset(source.fileOffset, source.tablePath.empty()
                                                      ? "TosaGraph.version"
                                                      : source.tablePath + ": TosaGraph.version"),
                      "a TOSA schema version pteron reads (0.80, 1.0 or 1.1), found version " +
                          version.text());
}

} // namespace pteron::tosa
