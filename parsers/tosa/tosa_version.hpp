// Reads a TOSA flatbuffer's Version table without knowing its revision, and picks the schema.
#pragma once

#include "parsers/common/flatbuffer_check.hpp"
#include "parsers/tosa/tosa_schema.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace pteron::tosa {

struct TosaVersion {
    std::int32_t major = -1;
    std::int32_t minor = -1;
    std::int32_t patch = -1;
    bool draft = true;

    // "1.0.0", or "1.1.0-draft".
    std::string text() const;
};

// Verifies the root and its Version table (the first field of TosaGraph in every revision).
TosaVersion readTosaVersion(std::span<const std::byte> bytes, const FlatbufferSource& source);

// The schema for `version`; FormatError naming the version when pteron has none for it.
TosaSchema schemaFor(const TosaVersion& version, const FlatbufferSource& source);

} // namespace pteron::tosa
