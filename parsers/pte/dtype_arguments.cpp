#include "parsers/pte/dtype_arguments.hpp"

#include <array>

namespace pteron {

namespace {

struct DtypeArguments {
    std::string_view op;
    std::array<std::size_t, 2> positions;
    std::size_t count;
};

// Positions from the operators' schemas (quant_min, quant_max, dtype[, out_dtype] order).
constexpr std::array<DtypeArguments, 9> kKnown{{
    {"quantized_decomposed::quantize_per_tensor", {5, 0}, 1},
    {"quantized_decomposed::dequantize_per_tensor", {5, 6}, 2},
    {"quantized_decomposed::quantize_per_channel", {6, 0}, 1},
    {"quantized_decomposed::dequantize_per_channel", {6, 7}, 2},
    {"cortex_m::quantize_per_tensor", {5, 0}, 1},
    {"cortex_m::dequantize_per_tensor", {5, 0}, 1},
    {"aten::_to_copy", {1, 0}, 1},
    {"dim_order_ops::_to_dim_order_copy", {1, 0}, 1},
    {"aten::full", {2, 0}, 1},
}};

std::string_view withoutOverload(std::string_view op) {
    const auto separator = op.find("::");
    const auto dot = op.find('.', separator == std::string_view::npos ? 0 : separator + 2);
    return dot == std::string_view::npos ? op : op.substr(0, dot);
}

} // namespace

std::span<const std::size_t> scalarTypeArguments(std::string_view op) {
    const auto base = withoutOverload(op);
    for (const auto& known : kKnown)
        if (known.op == base) return std::span(known.positions).first(known.count);
    return {};
}

} // namespace pteron
