// Tensors made from arguments: full, full_like, zeros, ones, zeros_like, ones_like,
// scalar_tensor, arange, fill and empty.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>
#include <cstring>

namespace pteron::runtime::aten {

namespace {

// A size list argument as a shape; negative sizes fail.
Shape sizeArgument(const KernelContext& ctx, std::size_t index) {
    const auto size = intListArgument(ctx, index);
    for (const auto dim : size)
        if (dim < 0) ctx.fail("size " + shapeText(size) + " has a negative dimension");
    return size;
}

Tensor filled(const KernelContext& ctx, DType dtype, const Shape& shape,
              const AttributeValue& value) {
    const auto one = scalarTensor(value, dtype);
    Tensor result(dtype, shape);
    (void)ctx;
    const auto elementBytes = runtimeElementBytes(dtype);
    auto* out = result.mutableBytes().data();
    for (std::uint64_t i = 0; i < result.elementCount(); ++i)
        std::memcpy(out + i * elementBytes, one.bytes().data(), elementBytes);
    return result;
}

DType defaultTypeOf(const AttributeValue& value) {
    if (std::holds_alternative<double>(value)) return DType::Float32;
    if (std::holds_alternative<bool>(value)) return DType::Bool;
    return DType::Int64;
}

void fullLike(KernelContext& ctx, const AttributeValue& value) {
    const auto& input = tensorArgument(ctx, 0);
    const auto dtype = outputType(ctx, 0, input.dtype());
    setResult(ctx, 0, filled(ctx, dtype, input.shape(), value));
}

// arange.start_out(start, end, step): ceil((end - start) / step) elements.
void arange(KernelContext& ctx, const AttributeValue& start, const AttributeValue& end,
            const AttributeValue& step) {
    const double first = scalarAsDouble(start);
    const double last = scalarAsDouble(end);
    const double increment = scalarAsDouble(step);
    if (increment == 0 || !std::isfinite(first) || !std::isfinite(last) ||
        !std::isfinite(increment))
        ctx.fail("arange needs finite bounds and a non-zero step");
    if ((last - first) / increment < 0)
        ctx.fail("arange bounds are inconsistent with the step sign");
    const auto count = static_cast<std::int64_t>(std::ceil((last - first) / increment));
    const bool integral = !std::holds_alternative<double>(start) &&
                          !std::holds_alternative<double>(end) &&
                          !std::holds_alternative<double>(step);
    const auto dtype = outputType(ctx, 0, integral ? DType::Int64 : DType::Float32);
    std::vector<double> values(static_cast<std::size_t>(elementCountOf({count})));
    for (std::int64_t i = 0; i < count; ++i)
        values[static_cast<std::size_t>(i)] = first + static_cast<double>(i) * increment;
    setResult(ctx, 0, tensorFrom<double>(dtype, {count}, values));
}

} // namespace

void addCreationKernels(KernelRegistry& registry) {
    // full.out(size, fill_value)
    registry.add("aten::full.out", [](KernelContext& ctx) {
        const auto& value = scalarArgument(ctx, 1);
        setResult(
            ctx, 0,
            filled(ctx, outputType(ctx, 0, defaultTypeOf(value)), sizeArgument(ctx, 0), value));
    });
    registry.add("aten::full_like.out",
                 [](KernelContext& ctx) { fullLike(ctx, scalarArgument(ctx, 1)); });
    registry.add("aten::zeros_like.out",
                 [](KernelContext& ctx) { fullLike(ctx, std::int64_t{0}); });
    registry.add("aten::ones_like.out", [](KernelContext& ctx) { fullLike(ctx, std::int64_t{1}); });
    registry.add("aten::zeros.out", [](KernelContext& ctx) {
        setResult(
            ctx, 0,
            filled(ctx, outputType(ctx, 0, DType::Float32), sizeArgument(ctx, 0), std::int64_t{0}));
    });
    registry.add("aten::ones.out", [](KernelContext& ctx) {
        setResult(
            ctx, 0,
            filled(ctx, outputType(ctx, 0, DType::Float32), sizeArgument(ctx, 0), std::int64_t{1}));
    });
    registry.add("aten::empty.out", [](KernelContext& ctx) {
        setResult(
            ctx, 0,
            filled(ctx, outputType(ctx, 0, DType::Float32), sizeArgument(ctx, 0), std::int64_t{0}));
    });
    registry.add("aten::scalar_tensor.out", [](KernelContext& ctx) {
        const auto& value = scalarArgument(ctx, 0);
        setResult(ctx, 0, filled(ctx, outputType(ctx, 0, defaultTypeOf(value)), {}, value));
    });
    registry.add("aten::fill.Scalar_out",
                 [](KernelContext& ctx) { fullLike(ctx, scalarArgument(ctx, 1)); });
    registry.add("aten::fill.Tensor_out", [](KernelContext& ctx) {
        const auto& value = tensorArgument(ctx, 1);
        if (value.rank() != 0)
            ctx.fail("fill value must be a 0-d tensor, given " + value.typeText());
        AttributeValue scalar = isFloatType(value.dtype())
                                    ? AttributeValue(elementsAs<double>(value)[0])
                                    : AttributeValue(elementsAs<std::int64_t>(value)[0]);
        fullLike(ctx, scalar);
    });
    registry.add("aten::arange.out", [](KernelContext& ctx) {
        arange(ctx, std::int64_t{0}, scalarArgument(ctx, 0), std::int64_t{1});
    });
    registry.add("aten::arange.start_out", [](KernelContext& ctx) {
        arange(ctx, scalarArgument(ctx, 0), scalarArgument(ctx, 1),
               hasArgument(ctx, 2) ? scalarArgument(ctx, 2) : AttributeValue(std::int64_t{1}));
    });
}

} // namespace pteron::runtime::aten
