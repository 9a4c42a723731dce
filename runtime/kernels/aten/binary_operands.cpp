#include "runtime/kernels/aten/binary_operands.hpp"

#include "runtime/kernels/aten/elementwise.hpp"

namespace pteron::runtime::aten {

DType resultTypeOf(const Tensor& a, const Tensor& b) {
    // A 0-d tensor beside a dimensioned one only decides the type when its category (bool,
    // integer, floating) is higher, as in torch.result_type.
    const auto category = [](DType type) {
        return type == DType::Bool ? 0 : isFloatType(type) ? 2 : 1;
    };
    if (a.rank() == 0 && b.rank() != 0 && category(a.dtype()) <= category(b.dtype()))
        return b.dtype();
    if (b.rank() == 0 && a.rank() != 0 && category(b.dtype()) <= category(a.dtype()))
        return a.dtype();
    return promoteTypes(a.dtype(), b.dtype());
}

BinaryOperands tensorOperands(const KernelContext& ctx, std::size_t first, std::size_t second) {
    BinaryOperands operands;
    operands.a = contiguousInput(ctx, first);
    operands.b = contiguousInput(ctx, second);
    operands.common = resultTypeOf(operands.a, operands.b);
    // Operands are converted to the common type first (a 0-d int8 -5 beside uint8 is 251).
    operands.givenA = operands.a;
    operands.givenB = operands.b;
    operands.a = castTensor(operands.a, operands.common);
    operands.b = castTensor(operands.b, operands.common);
    return operands;
}

BinaryOperands scalarOperand(const KernelContext& ctx, std::size_t first, std::size_t second) {
    BinaryOperands operands;
    operands.a = contiguousInput(ctx, first);
    const auto& scalar = scalarArgument(ctx, second);
    operands.common = promoteWithScalar(operands.a.dtype(), scalar);
    operands.b = scalarTensor(scalar, operands.common);
    operands.givenA = operands.a;
    operands.givenB = operands.b;
    return operands;
}

BinaryOperands scalarSelf(const KernelContext& ctx, std::size_t first, std::size_t second) {
    BinaryOperands operands;
    operands.b = contiguousInput(ctx, second);
    const auto& scalar = scalarArgument(ctx, first);
    operands.common = promoteWithScalar(operands.b.dtype(), scalar);
    operands.a = scalarTensor(scalar, operands.common);
    operands.givenA = operands.a;
    operands.givenB = operands.b;
    return operands;
}

} // namespace pteron::runtime::aten
