// TOSA 1.1 shape operators: element-wise arithmetic on shape values (ADD/SUB/MUL/MAX/MIN/MOD/
// DIV_CEIL/DIV_FLOOR_SHAPE, EXP2/LOG2_CEIL/LOG2_FLOOR_SHAPE), CONCAT_SHAPE, SLICE_SHAPE, DIM and
// ASSERT_EQUAL_SHAPE, as the specification's pseudo-code defines them. Shape values are rank-1
// int64 tensors; a result that would overflow int64 or an operand outside an operator's domain
// (the pseudo-code's REQUIRE) is refused.
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <functional>
#include <limits>
#include <optional>

namespace pteron::runtime::tosa {

namespace {

// log2 arguments at or beyond this would not fit a shape element.
constexpr std::int64_t kMaxLog2Size = 63;

std::vector<std::int64_t> shapeOperand(const KernelContext& ctx, std::size_t index) {
    const auto& tensor = ctx.input(index);
    if (tensor.rank() > 1)
        ctx.fail("operand " + std::to_string(index) + " must be a shape, given " +
                 tensor.typeText());
    return integersOf(ctx, tensor);
}

void setShapeOutput(KernelContext& ctx, const std::vector<std::int64_t>& values) {
    Tensor output(DType::Shape, {static_cast<std::int64_t>(values.size())});
    std::copy(values.begin(), values.end(), output.mutableElements<std::int64_t>().begin());
    ctx.setOutput(0, std::move(output));
}

using BinaryRule = std::function<std::optional<std::int64_t>(std::int64_t, std::int64_t)>;

// out[i] = rule(a[i], b[i]); the rule returns nullopt where the specification requires
// otherwise (overflow, a negative dividend, a divisor below 1).
void binaryShape(KernelContext& ctx, const BinaryRule& rule) {
    const auto a = shapeOperand(ctx, 0);
    const auto b = shapeOperand(ctx, 1);
    if (a.size() != b.size())
        ctx.fail("shapes of " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                 " elements");
    std::vector<std::int64_t> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto value = rule(a[i], b[i]);
        if (!value)
            ctx.fail("element " + std::to_string(i) + " (" + std::to_string(a[i]) + ", " +
                     std::to_string(b[i]) + ") is outside the operator's domain");
        out[i] = *value;
    }
    setShapeOutput(ctx, out);
}

void unaryShape(KernelContext& ctx,
                const std::function<std::optional<std::int64_t>(std::int64_t)>& rule) {
    const auto a = shapeOperand(ctx, 0);
    std::vector<std::int64_t> out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto value = rule(a[i]);
        if (!value)
            ctx.fail("element " + std::to_string(i) + " (" + std::to_string(a[i]) +
                     ") is outside the operator's domain");
        out[i] = *value;
    }
    setShapeOutput(ctx, out);
}

std::optional<std::int64_t> checkedAdd(std::int64_t a, std::int64_t b) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
    return sum;
}

std::optional<std::int64_t> checkedSub(std::int64_t a, std::int64_t b) {
    std::int64_t difference = 0;
    if (__builtin_sub_overflow(a, b, &difference)) return std::nullopt;
    return difference;
}

std::optional<std::int64_t> checkedMul(std::int64_t a, std::int64_t b) {
    std::int64_t product = 0;
    if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
    return product;
}

// Division rules take a dividend >= 0 and a divisor >= 1.
std::optional<std::int64_t> divFloor(std::int64_t a, std::int64_t b) {
    if (a < 0 || b < 1) return std::nullopt;
    return a / b;
}

std::optional<std::int64_t> divCeil(std::int64_t a, std::int64_t b) {
    if (a < 0 || b < 1) return std::nullopt;
    return a / b + (a % b ? 1 : 0);
}

std::optional<std::int64_t> modulo(std::int64_t a, std::int64_t b) {
    if (a < 0 || b < 1) return std::nullopt;
    return a % b;
}

std::optional<std::int64_t> floorLog2(std::int64_t a) {
    if (a < 1) return std::nullopt;
    std::int64_t log = 0;
    while (a >>= 1)
        ++log;
    return log;
}

std::optional<std::int64_t> ceilLog2(std::int64_t a) {
    const auto log = floorLog2(a);
    if (!log) return std::nullopt;
    return *log + (a == (std::int64_t{1} << *log) ? 0 : 1);
}

std::optional<std::int64_t> exp2(std::int64_t a) {
    if (a < 0 || a >= kMaxLog2Size) return std::nullopt;
    return std::int64_t{1} << a;
}

void concatShape(KernelContext& ctx) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i) {
        const auto part = shapeOperand(ctx, i);
        out.insert(out.end(), part.begin(), part.end());
    }
    setShapeOutput(ctx, out);
}

std::int64_t singleInteger(const KernelContext& ctx, std::size_t index, std::string_view what) {
    const auto values = integersOf(ctx, ctx.input(index));
    if (values.size() != 1) ctx.fail(std::string(what) + " must hold one value");
    return values[0];
}

void sliceShape(KernelContext& ctx) {
    const auto input = shapeOperand(ctx, 0);
    const auto start = singleInteger(ctx, 1, "start");
    const auto size = singleInteger(ctx, 2, "size");
    if (size <= 0 || start < 0 || start > static_cast<std::int64_t>(input.size()) - size)
        ctx.fail("slice of " + std::to_string(size) + " from " + std::to_string(start) +
                 " does not fit a shape of " + std::to_string(input.size()));
    setShapeOutput(ctx, {input.begin() + start, input.begin() + start + size});
}

void dim(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto axis = ctx.intAttribute("axis");
    if (axis < 0 || axis >= static_cast<std::int64_t>(input.rank()))
        ctx.fail("axis " + std::to_string(axis) + " is outside " + input.typeText());
    setShapeOutput(ctx, {input.dim(static_cast<std::size_t>(axis))});
}

// Without broadcast the shapes must be equal; with it, input2 may hold 1 where input1 does not
// (and anything where input1 holds 1).
void assertEqualShape(KernelContext& ctx) {
    const auto a = shapeOperand(ctx, 0);
    const auto b = shapeOperand(ctx, 1);
    const bool broadcast = ctx.boolAttribute("allow_broadcast", false);
    bool equal = a.size() == b.size();
    for (std::size_t i = 0; equal && i < a.size(); ++i)
        equal = broadcast ? (a[i] == 1 || b[i] == 1 || a[i] == b[i]) : a[i] == b[i];
    if (!equal) ctx.fail("the shapes differ");
}

} // namespace

void addShapeKernels(KernelRegistry& registry) {
    registry.add("tosa.ADD_SHAPE", [](KernelContext& ctx) { binaryShape(ctx, checkedAdd); });
    registry.add("tosa.SUB_SHAPE", [](KernelContext& ctx) { binaryShape(ctx, checkedSub); });
    registry.add("tosa.MUL_SHAPE", [](KernelContext& ctx) { binaryShape(ctx, checkedMul); });
    registry.add("tosa.DIV_FLOOR_SHAPE", [](KernelContext& ctx) { binaryShape(ctx, divFloor); });
    registry.add("tosa.DIV_CEIL_SHAPE", [](KernelContext& ctx) { binaryShape(ctx, divCeil); });
    registry.add("tosa.MOD_SHAPE", [](KernelContext& ctx) { binaryShape(ctx, modulo); });
    registry.add("tosa.MAX_SHAPE", [](KernelContext& ctx) {
        binaryShape(ctx, [](std::int64_t a, std::int64_t b) { return std::max(a, b); });
    });
    registry.add("tosa.MIN_SHAPE", [](KernelContext& ctx) {
        binaryShape(ctx, [](std::int64_t a, std::int64_t b) { return std::min(a, b); });
    });
    registry.add("tosa.EXP2_SHAPE", [](KernelContext& ctx) { unaryShape(ctx, exp2); });
    registry.add("tosa.LOG2_CEIL_SHAPE", [](KernelContext& ctx) { unaryShape(ctx, ceilLog2); });
    registry.add("tosa.LOG2_FLOOR_SHAPE", [](KernelContext& ctx) { unaryShape(ctx, floorLog2); });
    registry.add("tosa.CONCAT_SHAPE", concatShape);
    registry.add("tosa.SLICE_SHAPE", sliceShape);
    registry.add("tosa.DIM", dim);
    registry.add("tosa.ASSERT_EQUAL_SHAPE", assertEqualShape);
}

} // namespace pteron::runtime::tosa
