#include "runtime/kernels/tosa/tosa_broadcast.hpp"

#include <algorithm>

namespace pteron::runtime::tosa {

Shape broadcastShape(const KernelContext& ctx, const std::vector<const Shape*>& shapes) {
    std::size_t rank = 0;
    for (const auto* shape : shapes)
        rank = std::max(rank, shape->size());
    Shape out(rank, 1);
    for (const auto* shape : shapes) {
        const auto offset = rank - shape->size();
        for (std::size_t d = 0; d < shape->size(); ++d) {
            const auto dim = (*shape)[d];
            auto& target = out[offset + d];
            if (dim == target || dim == 1) continue;
            if (target != 1) {
                std::string text;
                for (const auto* each : shapes)
                    text += (text.empty() ? "" : " and ") + shapeText(*each);
                ctx.fail("shapes " + text + " do not broadcast");
            }
            target = dim;
        }
    }
    return out;
}

std::vector<std::int64_t> broadcastStrides(const Shape& shape, const Shape& out) {
    std::vector<std::int64_t> strides(out.size(), 0);
    const auto offset = out.size() - shape.size();
    std::int64_t stride = 1;
    for (std::size_t d = shape.size(); d-- > 0;) {
        strides[offset + d] = shape[d] == 1 ? 0 : stride;
        stride *= shape[d];
    }
    return strides;
}

} // namespace pteron::runtime::tosa
