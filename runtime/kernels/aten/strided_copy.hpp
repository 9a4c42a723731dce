// Copies a strided view of a contiguous tensor (permute, expand, slice, select, flip are all
// such views) into a new contiguous tensor of any element type.
#pragma once

#include "runtime/tensor.hpp"

#include <cstdint>
#include <vector>

namespace pteron::runtime::aten {

// result[i0,i1,…] = input[base + Σ ik * strides[k]] (strides in elements, may be 0 or negative).
Tensor stridedCopy(const Tensor& input, const Shape& shape,
                   const std::vector<std::int64_t>& strides, std::int64_t base);

} // namespace pteron::runtime::aten
