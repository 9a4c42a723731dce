// Model-level facts of a TFLite file: description, version, metadata entries and signatures.
#pragma once

#include "core/attribute.hpp"
#include "parsers/tflite/tflite_names.hpp"

#include <memory>

namespace pteron {
class MappedFile;
}

namespace pteron::tflite {

// Text metadata (e.g. "vela_version") shown as strings, "OfflineMemoryAllocation" as its int32
// list, anything else as its size in bytes.
Attributes modelMetadata(const fb::Model& model, const std::shared_ptr<const MappedFile>& file);

} // namespace pteron::tflite
