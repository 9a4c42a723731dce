// The TOSA serialization schema revisions pteron reads, chosen from a file's Version table.
#pragma once

#include <string_view>

namespace pteron::tosa {

enum class TosaSchema { V0_80, V1_0, V1_1 };

// "0.80", "1.0", "1.1".
std::string_view schemaName(TosaSchema schema);

} // namespace pteron::tosa
