// executorch_prim scalar ops (add, sub, mul, floordiv, truediv, mod, comparisons, neg, ceil,
// round, trunc, sym_float, sym_max/min) and the shape queries aten::sym_size.int / sym_numel /
// _local_scalar_dense that feed them. Ints stay ints; a Double operand makes the result Double.
#include "runtime/kernel_context.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/executorch/executorch_family.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <string>

namespace pteron::runtime::executorch {

namespace {

bool isDouble(const AttributeValue& value) {
    return std::holds_alternative<double>(value);
}

std::int64_t floorDivide(const KernelContext& ctx, std::int64_t a, std::int64_t b) {
    if (b == 0) ctx.fail("integer division by zero");
    if (a == std::numeric_limits<std::int64_t>::min() && b == -1)
        ctx.fail("integer division overflows");
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::int64_t checkedResult(const KernelContext& ctx, bool overflow, std::int64_t value) {
    if (overflow) ctx.fail("integer arithmetic overflows");
    return value;
}

enum class Arith { Add, Sub, Mul, FloorDiv, TrueDiv, Mod, Max, Min };

void arithmetic(KernelContext& ctx, Arith op) {
    const auto& a = aten::scalarArgument(ctx, 0);
    const auto& b = aten::scalarArgument(ctx, 1);
    if (op == Arith::TrueDiv || isDouble(a) || isDouble(b)) {
        const double x = scalarAsDouble(a);
        const double y = scalarAsDouble(b);
        double r = 0;
        switch (op) {
        case Arith::Add:
            r = x + y;
            break;
        case Arith::Sub:
            r = x - y;
            break;
        case Arith::Mul:
            r = x * y;
            break;
        case Arith::FloorDiv:
            r = std::floor(x / y);
            break;
        case Arith::TrueDiv:
            r = x / y;
            break;
        case Arith::Mod:
            r = x - std::floor(x / y) * y;
            break;
        case Arith::Max:
            r = std::max(x, y);
            break;
        case Arith::Min:
            r = std::min(x, y);
            break;
        }
        ctx.setScalarOutput(0, r);
        return;
    }
    const auto x = scalarAsInt(a);
    const auto y = scalarAsInt(b);
    std::int64_t r = 0;
    switch (op) {
    case Arith::Add: {
        std::int64_t s = 0;
        r = checkedResult(ctx, __builtin_add_overflow(x, y, &s), s);
        break;
    }
    case Arith::Sub: {
        std::int64_t s = 0;
        r = checkedResult(ctx, __builtin_sub_overflow(x, y, &s), s);
        break;
    }
    case Arith::Mul: {
        std::int64_t s = 0;
        r = checkedResult(ctx, __builtin_mul_overflow(x, y, &s), s);
        break;
    }
    case Arith::FloorDiv:
        r = floorDivide(ctx, x, y);
        break;
    case Arith::Mod:
        r = x - floorDivide(ctx, x, y) * y;
        break;
    case Arith::Max:
        r = std::max(x, y);
        break;
    case Arith::Min:
        r = std::min(x, y);
        break;
    case Arith::TrueDiv:
        break;
    }
    ctx.setScalarOutput(0, r);
}

template <typename Compare> void comparison(KernelContext& ctx, Compare compare) {
    const auto& a = aten::scalarArgument(ctx, 0);
    const auto& b = aten::scalarArgument(ctx, 1);
    const bool result = isDouble(a) || isDouble(b) ? compare(scalarAsDouble(a), scalarAsDouble(b))
                                                   : compare(scalarAsInt(a), scalarAsInt(b));
    ctx.setScalarOutput(0, result);
}

template <typename Round> void rounding(KernelContext& ctx, Round round) {
    const auto& a = aten::scalarArgument(ctx, 0);
    if (!isDouble(a)) {
        ctx.setScalarOutput(0, scalarAsInt(a));
        return;
    }
    const double r = round(scalarAsDouble(a));
    if (!std::isfinite(r) || std::abs(r) > 9.2e18)
        ctx.fail("cannot round " + toString(a) + " to an integer");
    ctx.setScalarOutput(0, static_cast<std::int64_t>(r));
}

} // namespace

void addPrimKernels(KernelRegistry& registry) {
    const std::pair<const char*, Arith> ops[] = {
        {"add", Arith::Add},           {"sub", Arith::Sub},         {"mul", Arith::Mul},
        {"floordiv", Arith::FloorDiv}, {"truediv", Arith::TrueDiv}, {"mod", Arith::Mod},
        {"sym_max", Arith::Max},       {"sym_min", Arith::Min}};
    for (const auto& [name, op] : ops) {
        const auto kind = op;
        for (const char* overload : {".Scalar", ".int", ""})
            registry.add(std::string("executorch_prim::") + name + overload,
                         [kind](KernelContext& ctx) { arithmetic(ctx, kind); });
    }
    const auto addComparison = [&](const char* name, auto compare) {
        registry.add(std::string("executorch_prim::") + name + ".Scalar",
                     [compare](KernelContext& ctx) { comparison(ctx, compare); });
    };
    addComparison("eq", std::equal_to<>());
    addComparison("gt", std::greater<>());
    addComparison("lt", std::less<>());
    addComparison("ge", std::greater_equal<>());
    addComparison("le", std::less_equal<>());
    registry.add("executorch_prim::neg.Scalar", [](KernelContext& ctx) {
        const auto& a = aten::scalarArgument(ctx, 0);
        if (isDouble(a)) return ctx.setScalarOutput(0, -scalarAsDouble(a));
        const auto x = scalarAsInt(a);
        if (x == std::numeric_limits<std::int64_t>::min()) ctx.fail("integer negation overflows");
        ctx.setScalarOutput(0, -x);
    });
    registry.add("executorch_prim::sym_float.Scalar", [](KernelContext& ctx) {
        ctx.setScalarOutput(0, scalarAsDouble(aten::scalarArgument(ctx, 0)));
    });
    registry.add("executorch_prim::ceil.Scalar",
                 [](KernelContext& ctx) { rounding(ctx, [](double x) { return std::ceil(x); }); });
    registry.add("executorch_prim::round.Scalar", [](KernelContext& ctx) {
        rounding(ctx, [](double x) { return std::nearbyint(x); });
    });
    registry.add("executorch_prim::trunc.Scalar",
                 [](KernelContext& ctx) { rounding(ctx, [](double x) { return std::trunc(x); }); });
    registry.add("aten::sym_size.int", [](KernelContext& ctx) {
        const auto& tensor = aten::tensorArgument(ctx, 0);
        auto dim = aten::intArgument(ctx, 1);
        const auto rank = static_cast<std::int64_t>(tensor.rank());
        if (dim < -rank || dim >= rank)
            ctx.fail("dimension " + std::to_string(dim) + " is out of range");
        if (dim < 0) dim += rank;
        ctx.setScalarOutput(0, tensor.dim(static_cast<std::size_t>(dim)));
    });
    registry.add("aten::sym_numel", [](KernelContext& ctx) {
        ctx.setScalarOutput(0,
                            static_cast<std::int64_t>(aten::tensorArgument(ctx, 0).elementCount()));
    });
    registry.add("aten::_local_scalar_dense", [](KernelContext& ctx) {
        const auto& tensor = aten::tensorArgument(ctx, 0);
        if (tensor.elementCount() != 1)
            ctx.fail("a scalar needs a one-element tensor, given " + tensor.typeText());
        if (isFloatingPoint(tensor.dtype()))
            ctx.setScalarOutput(0, aten::elementsAs<double>(tensor)[0]);
        else if (tensor.dtype() == DType::Bool)
            ctx.setScalarOutput(0, aten::elementsAs<std::int64_t>(tensor)[0] != 0);
        else
            ctx.setScalarOutput(0, aten::elementsAs<std::int64_t>(tensor)[0]);
    });
}

} // namespace pteron::runtime::executorch
