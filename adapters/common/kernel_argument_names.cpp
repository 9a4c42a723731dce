#include "adapters/common/kernel_argument_names.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <vector>

namespace pteron {

namespace {

struct KernelSchema {
    std::string_view op; // "ns::name", without the overload
    std::vector<std::string_view> arguments;
};

// ExecuTorch's Cortex-M operators as registered in backends/cortex_m/ops/operators.yaml, in
// schema order (all are called as ".out" variants whose out tensor follows these).
const std::vector<KernelSchema>& schemas() {
    static const std::vector<KernelSchema> table{
        {"cortex_m::quantize_per_tensor",
         {"input", "scale", "zero_point", "quant_min", "quant_max", "dtype"}},
        {"cortex_m::dequantize_per_tensor",
         {"input", "scale", "zero_point", "quant_min", "quant_max", "dtype"}},
        {"cortex_m::quantized_add",
         {"self", "self_zero_point", "self_multiplier", "self_shift", "other", "other_zero_point",
          "other_multiplier", "other_shift", "output_zero_point", "output_multiplier",
          "output_shift", "activation_min", "activation_max"}},
        {"cortex_m::quantized_mul",
         {"self", "self_zero_point", "other", "other_zero_point", "output_zero_point",
          "output_multiplier", "output_shift"}},
        {"cortex_m::quantized_div",
         {"self", "self_zero_point", "other", "other_zero_point", "output_zero_point",
          "output_scale"}},
        {"cortex_m::quantized_activation", {"input", "lut"}},
        {"cortex_m::minimum", {"self", "other"}},
        {"cortex_m::maximum", {"self", "other"}},
        {"cortex_m::quantized_linear",
         {"input", "weights", "bias", "kernel_sum", "input_offset", "filter_offset",
          "output_offset", "requantize_multipliers", "requantize_shifts", "activation_max",
          "activation_min"}},
        {"cortex_m::softmax",
         {"input", "dim", "input_zero_point", "output_zero_point", "input_multiplier",
          "input_shift", "diff_min"}},
        {"cortex_m::transpose", {"input", "perm"}},
        {"cortex_m::pad", {"input", "pre_pad", "post_pad", "pad_value"}},
        {"cortex_m::quantized_conv2d",
         {"input", "weight", "bias", "stride", "padding", "dilation", "input_offset",
          "output_offset", "requantize_multipliers", "requantize_shifts", "activation_min",
          "activation_max", "scratch"}},
        {"cortex_m::quantized_depthwise_conv2d",
         {"input", "weight", "bias", "stride", "padding", "dilation", "depth_multiplier",
          "input_offset", "output_offset", "requantize_multipliers", "requantize_shifts",
          "activation_min", "activation_max", "scratch"}},
        {"cortex_m::quantized_transpose_conv2d",
         {"input", "weight", "bias", "stride", "padding", "output_padding", "dilation",
          "input_offset", "output_offset", "requantize_multipliers", "requantize_shifts",
          "activation_min", "activation_max", "scratch", "output_scratch"}},
        {"cortex_m::quantized_avg_pool2d",
         {"input", "kernel_size", "stride", "padding", "ceil_mode", "zero_point", "multiplier",
          "shift", "scratch"}},
        {"cortex_m::quantized_max_pool2d",
         {"input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "input_zero_point",
          "output_zero_point", "activation_min", "activation_max"}},
        {"cortex_m::quantized_batch_matmul",
         {"lhs", "lhs_zero_point", "rhs_transposed", "rhs_zero_point", "output_zero_point",
          "output_multiplier", "output_shift", "scratch"}},
    };
    return table;
}

// "cortex_m::quantized_conv2d.out" without its overload.
std::string_view withoutOverload(std::string_view op) {
    const auto scope = op.find("::");
    const auto dot = op.find('.', scope == std::string_view::npos ? 0 : scope + 2);
    return dot == std::string_view::npos ? op : op.substr(0, dot);
}

const KernelSchema* schemaOf(std::string_view op) {
    const auto name = withoutOverload(op);
    for (const auto& schema : schemas())
        if (schema.op == name) return &schema;
    return nullptr;
}

} // namespace

std::string kernelArgumentName(std::string_view op, std::string_view positional) {
    constexpr std::string_view kPrefix = "arg";
    if (!positional.starts_with(kPrefix)) return std::string(positional);
    const auto* schema = schemaOf(op);
    if (!schema) return std::string(positional);
    const auto digits = positional.substr(kPrefix.size());
    std::size_t position = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), position);
    if (error != std::errc() || end == digits.data() || position >= schema->arguments.size())
        return std::string(positional);
    const auto rest = std::string_view(end, digits.data() + digits.size() - end);
    // Only a list item's "[i]" may follow the number.
    if (!rest.empty() && !rest.starts_with('[')) return std::string(positional);
    return std::string(schema->arguments[position]) + std::string(rest);
}

} // namespace pteron
