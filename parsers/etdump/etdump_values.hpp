// Turns the values a DebugEvent logged into graph values: tensor metadata, scalars, buffer views.
#pragma once

#include "core/graph.hpp"
#include "core/mapped_file.hpp"

#include <memory>
#include <string>

namespace pteron {

namespace fb::etdump {
struct Value;
}

struct DebugValueSource {
    std::string file;                         // the ETDump, for error messages
    std::shared_ptr<const MappedFile> buffer; // the debug buffer holding tensor bytes, or null
};

// Adds every value of `entry` to `graph` as an output of `node`; `path` names the entry in errors.
void addDebugEntry(const fb::etdump::Value& entry, const DebugValueSource& source,
                   const std::string& path, Graph& graph, Node& node);

} // namespace pteron
