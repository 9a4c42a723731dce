#include "parsers/etrecord/edge_operators.hpp"

#include <array>
#include <vector>

namespace pteron::etrecord {

namespace {

// Prefixes of operator targets, longest first; what follows is "<namespace>.<op>.<overload>".
constexpr std::array<std::string_view, 4> kDottedPrefixes{"executorch.exir.dialects.edge.ops.",
                                                          "executorch.exir.dialects.backend.ops.",
                                                          "torch.ops.", "ops."};
constexpr std::string_view kFlatPrefix = "executorch_exir_dialects_edge__ops_";

// Overload names that contain an underscore or are common, for splitting flattened targets.
constexpr std::array<std::string_view, 20> kOverloads{
    "Tensor_Tensor", "Tensor_Scalar", "Tensor_mode", "Scalar_mode", "dim_IntList",
    "start_step",    "memory_format", "correction",  "dim_int",     "default",
    "Tensor",        "Scalar",        "dims",        "self",        "start",
    "int",           "dim",           "vec",         "src",         "value"};

// Functional overloads whose out variant is not "<overload>_out" (native_functions.yaml).
struct OutName {
    std::string_view functional; // "name.overload"
    std::string_view out;
};
constexpr std::array<OutName, 14> kOutNames{{
    {"add.Tensor", "out"},
    {"sub.Tensor", "out"},
    {"mul.Tensor", "out"},
    {"div.Tensor", "out"},
    {"div.Tensor_mode", "out_mode"},
    {"max.dim", "dim_max"},
    {"min.dim", "dim_min"},
    {"any.default", "all_out"},
    {"all.default", "all_out"},
    {"any.dim", "out"},
    {"sum.dim_IntList", "IntList_out"},
    {"mean.dim", "out"},
    {"arange.start_step", "start_out"},
    {"prod.dim_int", "int_out"},
}};

// Argument names of schemas whose trailing (often keyword) arguments a call may leave out while
// naming later ones.
struct Schema {
    std::string_view op; // "name.overload"
    std::vector<std::string_view> arguments;
};
const std::vector<Schema>& schemas() {
    static const std::vector<Schema> table{
        {"add.Tensor", {"self", "other", "alpha"}},
        {"add.Scalar", {"self", "other", "alpha"}},
        {"sub.Tensor", {"self", "other", "alpha"}},
        {"sub.Scalar", {"self", "other", "alpha"}},
        {"rsub.Scalar", {"self", "other", "alpha"}},
        {"div.Tensor_mode", {"self", "other", "rounding_mode"}},
        {"div.Scalar_mode", {"self", "other", "rounding_mode"}},
        {"_to_copy.default",
         {"self", "dtype", "layout", "device", "pin_memory", "non_blocking", "memory_format"}},
        {"clone.default", {"self", "memory_format"}},
        {"full.default", {"size", "fill_value", "dtype", "layout", "device", "pin_memory"}},
        {"full_like.default",
         {"self", "fill_value", "dtype", "layout", "device", "pin_memory", "memory_format"}},
        {"zeros.default", {"size", "dtype", "layout", "device", "pin_memory"}},
        {"ones.default", {"size", "dtype", "layout", "device", "pin_memory"}},
        {"zeros_like.default",
         {"self", "dtype", "layout", "device", "pin_memory", "memory_format"}},
        {"ones_like.default", {"self", "dtype", "layout", "device", "pin_memory", "memory_format"}},
        {"empty.memory_format",
         {"size", "dtype", "layout", "device", "pin_memory", "memory_format"}},
        {"arange.default", {"end", "dtype", "layout", "device", "pin_memory"}},
        {"arange.start_step", {"start", "end", "step", "dtype", "layout", "device", "pin_memory"}},
        {"scalar_tensor.default", {"s", "dtype", "layout", "device", "pin_memory"}},
        {"sum.dim_IntList", {"self", "dim", "keepdim", "dtype"}},
        {"mean.dim", {"self", "dim", "keepdim", "dtype"}},
        {"cumsum.default", {"self", "dim", "dtype"}},
        {"var.correction", {"self", "dim", "correction", "keepdim"}},
        {"softmax.int", {"self", "dim", "dtype"}},
        {"log_softmax.int", {"self", "dim", "dtype"}},
        {"avg_pool2d.default",
         {"self", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
          "divisor_override"}},
        {"max_pool2d_with_indices.default",
         {"self", "kernel_size", "stride", "padding", "dilation", "ceil_mode"}},
        {"upsample_bilinear2d.vec", {"input", "output_size", "align_corners", "scale_factors"}},
        {"upsample_nearest2d.vec", {"input", "output_size", "scale_factors"}},
        {"clamp.default", {"self", "min", "max"}},
        {"hardtanh.default", {"self", "min_val", "max_val"}},
        {"addmm.default", {"self", "mat1", "mat2", "beta", "alpha"}},
        {"baddbmm.default", {"self", "batch1", "batch2", "beta", "alpha"}},
        {"linear.default", {"input", "weight", "bias"}},
        {"constant_pad_nd.default", {"self", "pad", "value"}},
        {"embedding.default", {"weight", "indices", "padding_idx", "scale_grad_by_freq", "sparse"}},
        {"split_with_sizes_copy.default", {"self", "split_sizes", "dim"}},
        {"amax.default", {"self", "dim", "keepdim"}},
        {"amin.default", {"self", "dim", "keepdim"}},
        {"argmax.default", {"self", "dim", "keepdim"}},
        {"argmin.default", {"self", "dim", "keepdim"}},
    };
    return table;
}

const Schema* schemaOf(const OperatorName& op) {
    if (op.ns != "aten") return nullptr;
    const auto key = op.name + "." + op.overload;
    for (const auto& schema : schemas())
        if (schema.op == key) return &schema;
    return nullptr;
}

OperatorName splitDotted(std::string_view rest) {
    OperatorName op;
    const auto first = rest.find('.');
    if (first == std::string_view::npos) return op;
    op.ns = std::string(rest.substr(0, first));
    rest.remove_prefix(first + 1);
    const auto second = rest.find('.');
    op.name = std::string(rest.substr(0, second));
    op.overload =
        second == std::string_view::npos ? "default" : std::string(rest.substr(second + 1));
    op.isOperator = !op.name.empty() && !op.overload.empty() && op.ns != "higher_order";
    return op;
}

OperatorName splitFlat(std::string_view rest) {
    OperatorName op;
    const auto first = rest.find('_');
    if (first == std::string_view::npos) return op;
    op.ns = std::string(rest.substr(0, first));
    rest.remove_prefix(first + 1);
    for (auto overload : kOverloads) {
        if (rest.size() > overload.size() + 1 && rest.ends_with(overload) &&
            rest[rest.size() - overload.size() - 1] == '_') {
            op.name = std::string(rest.substr(0, rest.size() - overload.size() - 1));
            op.overload = std::string(overload);
            op.isOperator = true;
            return op;
        }
    }
    const auto last = rest.rfind('_');
    if (last == std::string_view::npos || last == 0) return op;
    op.name = std::string(rest.substr(0, last));
    op.overload = std::string(rest.substr(last + 1));
    op.isOperator = true;
    return op;
}

} // namespace

OperatorName parseTarget(std::string_view target) {
    for (auto prefix : kDottedPrefixes)
        if (target.starts_with(prefix)) return splitDotted(target.substr(prefix.size()));
    if (target.starts_with(kFlatPrefix)) return splitFlat(target.substr(kFlatPrefix.size()));
    // Short forms "aten.add.Tensor"; anything else (getitem, delegate calls) is no operator.
    if (target.find('.') != target.rfind('.')) {
        auto op = splitDotted(target);
        if (op.ns == "aten" || op.ns == "quantized_decomposed" || op.ns == "dim_order_ops")
            return op;
    }
    return {};
}

std::string outVariantOp(const OperatorName& op) {
    if (!op.isOperator) return op.name;
    const auto functional = op.name + "." + op.overload;
    std::string out;
    for (const auto& entry : kOutNames)
        if (op.ns == "aten" && entry.functional == functional) out = std::string(entry.out);
    if (out.empty()) {
        if (op.overload == "out" || op.overload.ends_with("_out"))
            out = op.overload;
        else if (op.overload == "default")
            out = "out";
        else
            out = op.overload + "_out";
    }
    return op.ns + "::" + op.name + "." + out;
}

std::optional<std::size_t> argumentPosition(const OperatorName& op, std::string_view name) {
    const auto* schema = schemaOf(op);
    if (!schema) return std::nullopt;
    std::size_t position = 0;
    for (auto argument : schema->arguments) {
        if (argument == name) return position;
        ++position;
    }
    return std::nullopt;
}

bool hasListedSchema(const OperatorName& op) {
    return schemaOf(op) != nullptr;
}

} // namespace pteron::etrecord
