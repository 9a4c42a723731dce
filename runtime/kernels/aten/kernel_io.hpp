// How the ExecuTorch kernels read their arguments and hand back results: inputs in logical
// (contiguous) layout, results cast to the out tensor's type and laid out in its dim order.
#pragma once

#include "runtime/kernel_context.hpp"
#include "runtime/tensor.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace pteron::runtime::aten {

// Kernel arguments by schema position, as the .pte reader lays them out: a tensor argument N is
// the input operand named "argN" (tensor lists: "argN[0]", "argN[1]", …; None: an absent
// operand), a constant non-tensor argument is the node attribute "argN", and a scalar computed
// at run time is also an input operand "argN" (list items "argN[i]") whose value wins.
bool hasArgument(const KernelContext& ctx, std::size_t position);
const Tensor& tensorArgument(const KernelContext& ctx, std::size_t position);
AttributeValue scalarArgument(const KernelContext& ctx, std::size_t position);
std::int64_t intArgument(const KernelContext& ctx, std::size_t position);
double doubleArgument(const KernelContext& ctx, std::size_t position);
bool boolArgument(const KernelContext& ctx, std::size_t position);
std::vector<std::int64_t> intListArgument(const KernelContext& ctx, std::size_t position);
std::vector<const Tensor*> tensorListArgument(const KernelContext& ctx, std::size_t position);

// Tensor argument `index` with bytes in logical order.
Tensor contiguousInput(const KernelContext& ctx, std::size_t index);
// An optional tensor argument (None -> nothing).
std::optional<Tensor> optionalInput(const KernelContext& ctx, std::size_t index);
// The out tensor's declared element type (from the file), or `fallback` when it has none.
DType outputType(const KernelContext& ctx, std::size_t index, DType fallback);
// Stores a logically laid-out result: cast to the out Value's dtype, checked against its
// planned size, and laid out in its dim order.
void setResult(KernelContext& ctx, std::size_t index, Tensor result);
// Writes a logically laid-out `result` back into tensor argument `position` (a mutated input),
// cast to that tensor's type and laid out in its dim order; its element count must not change.
void updateArgument(KernelContext& ctx, std::size_t position, Tensor result);
// A dimension argument wrapped into [0, rank) (a 0-d tensor has one dimension for this).
std::size_t normalizeDim(const KernelContext& ctx, std::int64_t dim, std::size_t rank);
// An optional ScalarType argument as a DType, `fallback` when absent.
DType dtypeArgument(const KernelContext& ctx, std::size_t index, DType fallback);
// True when the optional argument `index` is given.
bool given(const KernelContext& ctx, std::size_t index);
// Contiguous element strides of `shape`.
std::vector<std::int64_t> contiguousStrides(const Shape& shape);

} // namespace pteron::runtime::aten
