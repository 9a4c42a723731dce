// NHWC activations for the cortex_m kernels: inputs re-laid-out to channels-last when needed.
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/kernels/aten/element_types.hpp"
#include "runtime/kernels/aten/kernel_io.hpp"
#include "runtime/kernels/cortex_m/cmsis_requantize.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

#include <algorithm>

namespace pteron::runtime::cortex_m {

const std::int8_t* NhwcTensor::data() const {
    return reinterpret_cast<const std::int8_t*>(tensor.bytes().data());
}

NhwcTensor nhwcInput(const KernelContext& ctx, std::size_t index) {
    const auto& input = aten::tensorArgument(ctx, index);
    if (input.dtype() != DType::Int8)
        ctx.fail("expects an int8 activation, given " + input.typeText());
    if (input.rank() != 4) ctx.fail("expects a 4-d activation, given " + input.typeText());
    NhwcTensor result;
    try {
        result.tensor = aten::toDimOrder(input, aten::channelsLastOrder());
    } catch (const RuntimeError& error) {
        ctx.fail(error.what());
    }
    result.n = input.dim(0);
    result.c = input.dim(1);
    result.h = input.dim(2);
    result.w = input.dim(3);
    return result;
}

void setNhwcOutput(KernelContext& ctx, std::size_t index, const std::vector<std::int8_t>& bytes,
                   std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) {
    auto tensor = Tensor::fromBytes(DType::Int8, {n, c, h, w},
                                    std::as_bytes(std::span<const std::int8_t>(bytes)));
    tensor.dimOrder = aten::channelsLastOrder();
    aten::setResult(ctx, index, std::move(tensor));
}

std::vector<std::int32_t> int32Parameters(const KernelContext& ctx, std::size_t index,
                                          std::int64_t count) {
    const auto& tensor = aten::tensorArgument(ctx, index);
    if (tensor.dtype() != DType::Int32 || static_cast<std::int64_t>(tensor.elementCount()) != count)
        ctx.fail("operand " + std::to_string(index) + " must be int32 with " +
                 std::to_string(count) + " entries, given " + tensor.typeText());
    const auto values = aten::storageOf<std::int32_t>(tensor);
    return {values.begin(), values.end()};
}

void checkShifts(const KernelContext& ctx, const std::vector<std::int32_t>& shifts) {
    for (const auto shift : shifts)
        if (!validShift(shift))
            ctx.fail("requantisation shift " + std::to_string(shift) + " is outside [-31, 30]");
}

std::int8_t clampToInt8(std::int32_t value, std::int32_t low, std::int32_t high) {
    value = std::max(value, low);
    value = std::min(value, high);
    return static_cast<std::int8_t>(std::clamp(value, -128, 127));
}

} // namespace pteron::runtime::cortex_m
