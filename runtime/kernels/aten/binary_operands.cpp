#include "runtime/kernels/aten/binary_operands.hpp"

#include "runtime/kernels/aten/elementwise.hpp"

namespace pteron::runtime::aten {

BinaryOperands tensorOperands(const KernelContext& ctx, std::size_t first, std::size_t second) {
    BinaryOperands operands{contiguousInput(ctx, first), contiguousInput(ctx, second), {}};
    operands.common = promoteTypes(operands.a.dtype(), operands.b.dtype());
    return operands;
}

BinaryOperands scalarOperand(const KernelContext& ctx, std::size_t first, std::size_t second) {
    BinaryOperands operands;
    operands.a = contiguousInput(ctx, first);
    const auto& scalar = scalarArgument(ctx, second);
    operands.common = promoteWithScalar(operands.a.dtype(), scalar);
    operands.b = scalarTensor(scalar, operands.common);
    return operands;
}

BinaryOperands scalarSelf(const KernelContext& ctx, std::size_t first, std::size_t second) {
    BinaryOperands operands;
    operands.b = contiguousInput(ctx, second);
    const auto& scalar = scalarArgument(ctx, first);
    operands.common = promoteWithScalar(operands.b.dtype(), scalar);
    operands.a = scalarTensor(scalar, operands.common);
    return operands;
}

} // namespace pteron::runtime::aten
