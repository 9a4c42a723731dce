// Helpers for tests that build a model file with flatc's builders: vectors of names, and reading
// the finished buffer as a file.
#pragma once

#include "core/model.hpp"

#include <flatbuffers/flatbuffers.h>

#include <string>
#include <vector>

namespace pteron::testing {

// One string per name, for a table's vector of names.
std::vector<flatbuffers::Offset<flatbuffers::String>>
flatbufferStrings(flatbuffers::FlatBufferBuilder& builder, const std::vector<std::string>& names);

// The finished buffer, read by the standard reader registry as the file `name`.
Model readBuiltFile(const flatbuffers::FlatBufferBuilder& builder, const std::string& name);

} // namespace pteron::testing
