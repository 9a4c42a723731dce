#include "app/cli/model_opening.hpp"

#include "parsers/registry.hpp"

namespace pteron {

Model openModel(const CommandLine& line, const std::string& path) {
    ReadOptions options;
    if (auto ptd = line.value("--ptd")) options.companions.push_back(*ptd);
    if (auto etdump = line.value("--etdump")) options.etdump = *etdump;
    if (auto buffer = line.value("--debug-buffer")) options.debugBuffer = *buffer;
    if (auto numbering = line.value("--tosa-draft-dtypes")) {
        if (*numbering != "pre-final" && *numbering != "final")
            throw UsageError("--tosa-draft-dtypes takes pre-final or final, given " + *numbering);
        options.tosaPreFinalDraftDTypes = *numbering == "pre-final";
    }
    return FormatRegistry::standard().open(path, options);
}

} // namespace pteron
