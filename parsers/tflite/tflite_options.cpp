#include "parsers/tflite/tflite_options.hpp"

namespace pteron::tflite {
namespace {

using O = fb::BuiltinOptions;

std::vector<std::int64_t> ints(const flatbuffers::Vector<std::int32_t>* values) {
    std::vector<std::int64_t> out;
    if (values) out.assign(values->begin(), values->end());
    return out;
}

std::vector<std::int64_t> pair(std::int64_t a, std::int64_t b) {
    return {a, b};
}

void conv(Attributes& out, const fb::Conv2DOptions& o) {
    out.push_back({"padding", paddingValue(o.padding())});
    out.push_back({"strides", pair(o.stride_h(), o.stride_w())});
    out.push_back({"dilation", pair(o.dilation_h_factor(), o.dilation_w_factor())});
    out.push_back({"fused_activation", activationValue(o.fused_activation_function())});
}

void depthwise(Attributes& out, const fb::DepthwiseConv2DOptions& o) {
    out.push_back({"padding", paddingValue(o.padding())});
    out.push_back({"strides", pair(o.stride_h(), o.stride_w())});
    out.push_back({"dilation", pair(o.dilation_h_factor(), o.dilation_w_factor())});
    out.push_back({"depth_multiplier", std::int64_t{o.depth_multiplier()}});
    out.push_back({"fused_activation", activationValue(o.fused_activation_function())});
}

void pool(Attributes& out, const fb::Pool2DOptions& o) {
    out.push_back({"padding", paddingValue(o.padding())});
    out.push_back({"strides", pair(o.stride_h(), o.stride_w())});
    out.push_back({"filter_size", pair(o.filter_height(), o.filter_width())});
    out.push_back({"fused_activation", activationValue(o.fused_activation_function())});
}

void fullyConnected(Attributes& out, const fb::FullyConnectedOptions& o) {
    out.push_back({"fused_activation", activationValue(o.fused_activation_function())});
    const auto format = o.weights_format();
    out.push_back(
        {"weights_format", EnumValue{fb::EnumNameFullyConnectedOptionsWeightsFormat(format),
                                     static_cast<std::int64_t>(format)}});
    out.push_back({"keep_num_dims", o.keep_num_dims()});
    if (o.asymmetric_quantize_inputs()) out.push_back({"asymmetric_quantize_inputs", true});
}

void transposeConv(Attributes& out, const fb::TransposeConvOptions& o) {
    out.push_back({"padding", paddingValue(o.padding())});
    out.push_back({"strides", pair(o.stride_h(), o.stride_w())});
    out.push_back({"fused_activation", activationValue(o.fused_activation_function())});
}

template <typename T> void activationOnly(Attributes& out, const T& o) {
    out.push_back({"fused_activation", activationValue(o.fused_activation_function())});
}

// ADD/SUB: whether int16 operands with power-of-two scales take TFLite's shift-only path.
template <typename T> void addSub(Attributes& out, const T& o) {
    activationOnly(out, o);
    out.push_back({"pot_scale_int16", o.pot_scale_int16()});
}

void stridedSlice(Attributes& out, const fb::StridedSliceOptions& o) {
    out.push_back({"begin_mask", std::int64_t{o.begin_mask()}});
    out.push_back({"end_mask", std::int64_t{o.end_mask()}});
    out.push_back({"ellipsis_mask", std::int64_t{o.ellipsis_mask()}});
    out.push_back({"new_axis_mask", std::int64_t{o.new_axis_mask()}});
    out.push_back({"shrink_axis_mask", std::int64_t{o.shrink_axis_mask()}});
    if (o.offset()) out.push_back({"offset", true});
}

// Options tables with one or two plain fields.
bool decodeSmall(Attributes& out, const fb::Operator& op) {
    switch (op.builtin_options_type()) {
    case O::SoftmaxOptions:
        out.push_back({"beta", double{op.builtin_options_as_SoftmaxOptions()->beta()}});
        return true;
    case O::ConcatenationOptions: {
        const auto* o = op.builtin_options_as_ConcatenationOptions();
        out.push_back({"axis", std::int64_t{o->axis()}});
        activationOnly(out, *o);
        return true;
    }
    case O::ReshapeOptions:
        out.push_back({"new_shape", ints(op.builtin_options_as_ReshapeOptions()->new_shape())});
        return true;
    case O::SqueezeOptions:
        out.push_back(
            {"squeeze_dims", ints(op.builtin_options_as_SqueezeOptions()->squeeze_dims())});
        return true;
    case O::ReducerOptions:
        out.push_back({"keep_dims", op.builtin_options_as_ReducerOptions()->keep_dims()});
        return true;
    case O::LeakyReluOptions:
        out.push_back({"alpha", double{op.builtin_options_as_LeakyReluOptions()->alpha()}});
        return true;
    case O::SplitOptions:
        out.push_back(
            {"num_splits", std::int64_t{op.builtin_options_as_SplitOptions()->num_splits()}});
        return true;
    case O::SplitVOptions:
        out.push_back(
            {"num_splits", std::int64_t{op.builtin_options_as_SplitVOptions()->num_splits()}});
        return true;
    case O::GatherOptions: {
        const auto* o = op.builtin_options_as_GatherOptions();
        out.push_back({"axis", std::int64_t{o->axis()}});
        out.push_back({"batch_dims", std::int64_t{o->batch_dims()}});
        return true;
    }
    case O::PackOptions: {
        const auto* o = op.builtin_options_as_PackOptions();
        out.push_back({"values_count", std::int64_t{o->values_count()}});
        out.push_back({"axis", std::int64_t{o->axis()}});
        return true;
    }
    case O::UnpackOptions: {
        const auto* o = op.builtin_options_as_UnpackOptions();
        out.push_back({"num", std::int64_t{o->num()}});
        out.push_back({"axis", std::int64_t{o->axis()}});
        return true;
    }
    case O::ResizeBilinearOptions: {
        const auto* o = op.builtin_options_as_ResizeBilinearOptions();
        out.push_back({"align_corners", o->align_corners()});
        out.push_back({"half_pixel_centers", o->half_pixel_centers()});
        return true;
    }
    case O::ResizeNearestNeighborOptions: {
        const auto* o = op.builtin_options_as_ResizeNearestNeighborOptions();
        out.push_back({"align_corners", o->align_corners()});
        out.push_back({"half_pixel_centers", o->half_pixel_centers()});
        return true;
    }
    case O::BatchMatMulOptions: {
        const auto* o = op.builtin_options_as_BatchMatMulOptions();
        out.push_back({"adj_x", o->adj_x()});
        out.push_back({"adj_y", o->adj_y()});
        return true;
    }
    case O::MirrorPadOptions: {
        const auto mode = op.builtin_options_as_MirrorPadOptions()->mode();
        out.push_back(
            {"mode", EnumValue{fb::EnumNameMirrorPadMode(mode), static_cast<std::int64_t>(mode)}});
        return true;
    }
    case O::CastOptions: {
        const auto* o = op.builtin_options_as_CastOptions();
        out.push_back({"in_data_type", tensorTypeValue(o->in_data_type())});
        out.push_back({"out_data_type", tensorTypeValue(o->out_data_type())});
        return true;
    }
    case O::ArgMaxOptions:
        out.push_back(
            {"output_type", tensorTypeValue(op.builtin_options_as_ArgMaxOptions()->output_type())});
        return true;
    case O::ArgMinOptions:
        out.push_back(
            {"output_type", tensorTypeValue(op.builtin_options_as_ArgMinOptions()->output_type())});
        return true;
    case O::SpaceToDepthOptions:
        out.push_back({"block_size",
                       std::int64_t{op.builtin_options_as_SpaceToDepthOptions()->block_size()}});
        return true;
    case O::DepthToSpaceOptions:
        out.push_back({"block_size",
                       std::int64_t{op.builtin_options_as_DepthToSpaceOptions()->block_size()}});
        return true;
    case O::CallOptions:
        out.push_back({"subgraph", std::int64_t{op.builtin_options_as_CallOptions()->subgraph()}});
        return true;
    case O::IfOptions: {
        const auto* o = op.builtin_options_as_IfOptions();
        out.push_back({"then_subgraph", std::int64_t{o->then_subgraph_index()}});
        out.push_back({"else_subgraph", std::int64_t{o->else_subgraph_index()}});
        return true;
    }
    case O::WhileOptions: {
        const auto* o = op.builtin_options_as_WhileOptions();
        out.push_back({"cond_subgraph", std::int64_t{o->cond_subgraph_index()}});
        out.push_back({"body_subgraph", std::int64_t{o->body_subgraph_index()}});
        return true;
    }
    default:
        return false;
    }
}

} // namespace

Attributes builtinOptionAttributes(const fb::Operator& op) {
    Attributes out;
    if (!op.builtin_options()) return out;
    switch (op.builtin_options_type()) {
    case O::NONE:
        return out;
    case O::Conv2DOptions:
        conv(out, *op.builtin_options_as_Conv2DOptions());
        return out;
    case O::DepthwiseConv2DOptions:
        depthwise(out, *op.builtin_options_as_DepthwiseConv2DOptions());
        return out;
    case O::Pool2DOptions:
        pool(out, *op.builtin_options_as_Pool2DOptions());
        return out;
    case O::FullyConnectedOptions:
        fullyConnected(out, *op.builtin_options_as_FullyConnectedOptions());
        return out;
    case O::TransposeConvOptions:
        transposeConv(out, *op.builtin_options_as_TransposeConvOptions());
        return out;
    case O::AddOptions:
        addSub(out, *op.builtin_options_as_AddOptions());
        return out;
    case O::SubOptions:
        addSub(out, *op.builtin_options_as_SubOptions());
        return out;
    case O::MulOptions:
        activationOnly(out, *op.builtin_options_as_MulOptions());
        return out;
    case O::DivOptions:
        activationOnly(out, *op.builtin_options_as_DivOptions());
        return out;
    case O::StridedSliceOptions:
        stridedSlice(out, *op.builtin_options_as_StridedSliceOptions());
        return out;
    default:
        break;
    }
    if (!decodeSmall(out, op)) {
        const std::string table = fb::EnumNameBuiltinOptions(op.builtin_options_type());
        if (!table.empty()) out.push_back({"options", table});
    }
    return out;
}

} // namespace pteron::tflite
