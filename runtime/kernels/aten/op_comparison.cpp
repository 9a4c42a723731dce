// Comparisons eq, ne, lt, le, gt, ge of two tensors or a tensor and a Scalar, in the operands'
// common type; the result is bool unless the out tensor asks for another type.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/binary_operands.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <string>

namespace pteron::runtime::aten {

namespace {

enum class Relation { Eq, Ne, Lt, Le, Gt, Ge };

template <typename T> bool holds(Relation relation, T x, T y) {
    switch (relation) {
    case Relation::Eq:
        return x == y;
    case Relation::Ne:
        return x != y;
    case Relation::Lt:
        return x < y;
    case Relation::Le:
        return x <= y;
    case Relation::Gt:
        return x > y;
    case Relation::Ge:
        return x >= y;
    }
    return false;
}

void compare(KernelContext& ctx, const BinaryOperands& operands, Relation relation) {
    const auto out = outputType(ctx, 0, DType::Bool);
    // Floats compare in their own width: fp16 values are exact in fp32, fp64 needs double.
    auto result = visitComputeType(computeTypeOf(operands.common), [&]<typename T>() {
        return binaryMap<BoolByte, T>(ctx, operands.a, operands.b, out, [relation](T x, T y) {
            return BoolByte{static_cast<std::uint8_t>(holds(relation, x, y))};
        });
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addComparisonKernels(KernelRegistry& registry) {
    const std::pair<const char*, Relation> relations[] = {
        {"eq", Relation::Eq}, {"ne", Relation::Ne}, {"lt", Relation::Lt},
        {"le", Relation::Le}, {"gt", Relation::Gt}, {"ge", Relation::Ge}};
    for (const auto& [name, relation] : relations) {
        const auto r = relation;
        registry.add(std::string("aten::") + name + ".Tensor_out",
                     [r](KernelContext& ctx) { compare(ctx, tensorOperands(ctx, 0, 1), r); });
        registry.add(std::string("aten::") + name + ".Scalar_out",
                     [r](KernelContext& ctx) { compare(ctx, scalarOperand(ctx, 0, 1), r); });
    }
}

} // namespace pteron::runtime::aten
