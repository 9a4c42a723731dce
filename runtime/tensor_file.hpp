// Runtime tensors to and from NumPy .npy files (through core's one .npy reader and writer).
#pragma once

#include "runtime/tensor.hpp"

#include <string>

namespace pteron::runtime {

// Reads a little-endian, C-order numeric .npy; throws FormatError for a malformed file and
// RuntimeError for one the runtime cannot hold (big-endian, Fortran order, objects).
Tensor readNpyTensor(const std::string& path);

// Writes `tensor`; bf16 is widened to fp32 and int48 to int64, which .npy can hold. Returns an
// error message, empty on success.
std::string writeNpyTensor(const std::string& path, const Tensor& tensor);

} // namespace pteron::runtime
