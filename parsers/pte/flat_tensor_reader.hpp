// Reads a .ptd companion (FlatTensor, FT01 with FH01 header) into named blobs, both layouts.
#pragma once

#include "core/mapped_file.hpp"
#include "parsers/pte/named_data_store.hpp"

#include <memory>

namespace pteron {

// Adds every named blob of the companion to `store`; returns how many were added.
std::size_t readFlatTensor(const std::shared_ptr<const MappedFile>& file, NamedDataStore& store);

} // namespace pteron
