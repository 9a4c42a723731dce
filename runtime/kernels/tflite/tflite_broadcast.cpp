#include "runtime/kernels/tflite/tflite_broadcast.hpp"

#include <algorithm>

namespace pteron::runtime::tflite {

namespace {

// Element strides of `shape` aligned right to `rank` axes, 0 on broadcast axes.
std::vector<std::int64_t> broadcastStrides(const Shape& shape, const Shape& output) {
    const std::size_t rank = output.size();
    std::vector<std::int64_t> strides(rank, 0);
    std::int64_t stride = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const std::size_t axis = rank - 1 - i;
        const std::int64_t dim = shape[shape.size() - 1 - i];
        strides[axis] = dim == 1 && output[axis] != 1 ? 0 : stride;
        stride *= dim;
    }
    return strides;
}

} // namespace

Broadcast broadcastShapes(const KernelContext& ctx, const Shape& a, const Shape& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Broadcast plan;
    plan.output.assign(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
        const std::int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
        if (da != db && da != 1 && db != 1)
            ctx.fail("shapes " + shapeText(a) + " and " + shapeText(b) + " do not broadcast");
        plan.output[rank - 1 - i] = da == 1 ? db : da;
    }
    plan.strideA = broadcastStrides(a, plan.output);
    plan.strideB = broadcastStrides(b, plan.output);
    return plan;
}

} // namespace pteron::runtime::tflite
