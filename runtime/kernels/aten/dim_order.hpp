// Dim orders of ExecuTorch tensors. A runtime Tensor's shape is always the logical shape (NCHW)
// and its bytes are contiguous in the order its `dimOrder` names (empty: the shape's own order);
// these functions move bytes between orders.
#pragma once

#include "runtime/tensor.hpp"

#include <cstdint>
#include <vector>

namespace pteron::runtime::aten {

using DimOrder = std::vector<std::uint8_t>;

// True when `order` is empty or the identity 0,1,2,…
bool isContiguousOrder(const DimOrder& order);
// True when the order is a permutation of 0..rank-1.
bool isValidOrder(const DimOrder& order, std::size_t rank);
// The same logical tensor with bytes laid out in `order` (shares storage when nothing moves).
Tensor toDimOrder(const Tensor& tensor, const DimOrder& order);
// The same logical tensor with bytes in the shape's own order.
Tensor toContiguous(const Tensor& tensor);
// Channels-last order of a rank-4 tensor, 0,2,3,1.
DimOrder channelsLastOrder();

} // namespace pteron::runtime::aten
