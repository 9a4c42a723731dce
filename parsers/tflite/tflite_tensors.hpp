// TFLite tensors and buffers as pteron values: dtype, shape, quantisation and zero-copy constants.
#pragma once

#include "core/byte_view.hpp"
#include "core/value.hpp"
#include "parsers/tflite/tflite_names.hpp"

#include <memory>
#include <string>

namespace pteron::tflite {

// The bytes of buffer `index`: inline data, or data stored past the flatbuffer at Buffer.offset.
// Empty for buffer 0 and buffers without data; a range outside the file is a FormatError.
ByteView bufferBytes(const fb::Model& model, std::uint32_t index,
                     const std::shared_ptr<const MappedFile>& file);

// One tensor as a value; `where` names it in errors ("subgraphs[0].tensors[3]").
Value tensorValue(const fb::Tensor& tensor, const fb::Model& model,
                  const std::shared_ptr<const MappedFile>& file, const std::string& where);

} // namespace pteron::tflite
