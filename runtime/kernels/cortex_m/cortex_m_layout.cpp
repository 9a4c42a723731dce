// cortex_m::pad (arm_pad_s8: pads given in the order the bytes are laid out) and
// cortex_m::transpose (a permutation of the logical dimensions).
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/aten/strided_copy.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

#include <cstring>

namespace pteron::runtime::cortex_m {

namespace {

// (input, pre_pad[4], post_pad[4], pad_value)
void pad(KernelContext& ctx) {
    const auto& input = aten::tensorArgument(ctx, 0);
    if (input.dtype() != DType::Int8 || input.rank() == 0 || input.rank() > 4)
        ctx.fail("expects an int8 tensor of rank 1 to 4, given " + input.typeText());
    const auto before = aten::intListArgument(ctx, 1);
    const auto after = aten::intListArgument(ctx, 2);
    if (before.size() != 4 || after.size() != 4)
        ctx.fail("pre_pad and post_pad must have 4 entries");
    const auto value = aten::intArgument(ctx, 3);
    if (value < -128 || value > 127)
        ctx.fail("pad value " + std::to_string(value) + " is not int8");
    aten::DimOrder order = input.dimOrder;
    if (order.empty())
        for (std::size_t d = 0; d < input.rank(); ++d)
            order.push_back(static_cast<std::uint8_t>(d));
    if (!aten::isValidOrder(order, input.rank())) ctx.fail("input carries an invalid dim order");
    // Physical dims, right-aligned in four.
    std::int64_t dims[4] = {1, 1, 1, 1}, padded[4];
    const auto offset = 4 - input.rank();
    for (std::size_t i = 0; i < input.rank(); ++i)
        dims[offset + i] = input.dim(order[i]);
    for (std::size_t i = 0; i < 4; ++i) {
        if (before[i] < 0 || after[i] < 0) ctx.fail("padding must be non-negative");
        if (i < offset && (before[i] || after[i])) ctx.fail("padding a dimension the input lacks");
        padded[i] = dims[i] + before[i] + after[i];
    }
    std::vector<std::int8_t> out(
        static_cast<std::size_t>(elementCountOf({padded[0], padded[1], padded[2], padded[3]})),
        static_cast<std::int8_t>(value));
    const auto* x = reinterpret_cast<const std::int8_t*>(input.bytes().data());
    for (std::int64_t a = 0; a < dims[0]; ++a)
        for (std::int64_t b = 0; b < dims[1]; ++b)
            for (std::int64_t c = 0; c < dims[2]; ++c) {
                const auto* source = x + ((a * dims[1] + b) * dims[2] + c) * dims[3];
                auto* target =
                    out.data() +
                    (((a + before[0]) * padded[1] + b + before[1]) * padded[2] + c + before[2]) *
                        padded[3] +
                    before[3];
                std::memcpy(target, source, static_cast<std::size_t>(dims[3]));
            }
    Shape shape(input.rank());
    for (std::size_t i = 0; i < input.rank(); ++i)
        shape[order[i]] = padded[offset + i];
    auto tensor =
        Tensor::fromBytes(DType::Int8, shape, std::as_bytes(std::span<const std::int8_t>(out)));
    tensor.dimOrder = aten::isContiguousOrder(order) ? aten::DimOrder{} : order;
    aten::setResult(ctx, 0, std::move(tensor));
}

// (input, perm[])
void transpose(KernelContext& ctx) {
    const auto input = aten::contiguousInput(ctx, 0);
    const auto perm = aten::intListArgument(ctx, 1);
    if (perm.size() != input.rank()) ctx.fail("permutation does not fit " + input.typeText());
    const auto strides = aten::contiguousStrides(input.shape());
    Shape shape;
    std::vector<std::int64_t> viewStrides;
    std::vector<bool> seen(perm.size(), false);
    for (const auto p : perm) {
        const auto d = aten::normalizeDim(ctx, p, input.rank());
        if (seen[d]) ctx.fail("permutation repeats a dimension");
        seen[d] = true;
        shape.push_back(input.dim(d));
        viewStrides.push_back(strides[d]);
    }
    aten::setResult(ctx, 0, aten::stridedCopy(input, shape, viewStrides, 0));
}

} // namespace

void addCortexMLayoutKernels(KernelRegistry& registry) {
    registry.add("cortex_m::pad.out", pad);
    registry.add("cortex_m::transpose.out", transpose);
}

} // namespace pteron::runtime::cortex_m
