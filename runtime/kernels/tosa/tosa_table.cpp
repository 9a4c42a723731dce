// TOSA TABLE: int8 lookup in a 256-entry table, and int16 lookup in a 513-entry table with
// linear interpolation between entries giving a 16.7 fixed-point int32 result. The table is
// operand 1 (TOSA 1.0) or the attribute "table" (TOSA 0.80).
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <algorithm>

namespace pteron::runtime::tosa {

namespace {

void table(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto entries = integerListOperand(ctx, 1, "table");
    checkOutputShape(ctx, 0, input.shape());
    if (input.dtype() == DType::Int8) {
        if (entries.size() != 256) ctx.fail("an int8 table needs 256 entries");
        std::int8_t lookup[256];
        for (std::size_t i = 0; i < 256; ++i)
            lookup[i] = static_cast<std::int8_t>(entries[i]);
        Tensor output(DType::Int8, input.shape());
        const auto in = input.elements<std::int8_t>();
        auto out = output.mutableElements<std::int8_t>();
        for (std::size_t i = 0; i < in.size(); ++i)
            out[i] = lookup[in[i] + 128];
        ctx.setOutput(0, std::move(output));
        return;
    }
    if (input.dtype() != DType::Int16) ctx.fail("takes int8 or int16, given " + input.typeText());
    if (entries.size() != 513) ctx.fail("an int16 table needs 513 entries");
    for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
        const auto slope = entries[i + 1] - entries[i];
        if (slope < -32768 || slope > 32767) ctx.fail("table slopes must fit int16");
    }
    Tensor output(DType::Int32, input.shape());
    const auto in = input.elements<std::int16_t>();
    auto out = output.mutableElements<std::int32_t>();
    for (std::size_t i = 0; i < in.size(); ++i) {
        const std::int32_t value = in[i];
        const auto index = std::clamp((value >> 7) + 256, 0, 511);
        const auto fraction = value & 0x7F;
        const auto base = static_cast<std::int32_t>(entries[static_cast<std::size_t>(index)]);
        const auto next = static_cast<std::int32_t>(entries[static_cast<std::size_t>(index) + 1]);
        out[i] = base * 128 + (next - base) * fraction;
    }
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addTableKernels(KernelRegistry& registry) {
    registry.add("tosa.TABLE", table);
}

} // namespace pteron::runtime::tosa
