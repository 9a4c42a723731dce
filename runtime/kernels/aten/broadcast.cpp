#include "runtime/kernels/aten/broadcast.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>

namespace pteron::runtime::aten {

Shape broadcastShapes(const Shape& a, const Shape& b) {
    const auto rank = std::max(a.size(), b.size());
    Shape result(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        const auto da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const auto db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw RuntimeError("shapes " + shapeText(a) + " and " + shapeText(b) +
                               " do not broadcast");
        result[i] = da == 1 ? db : da;
    }
    return result;
}

std::vector<std::int64_t> broadcastStrides(const Shape& input, const Shape& output) {
    if (input.size() > output.size())
        throw RuntimeError("shape " + shapeText(input) + " does not broadcast to " +
                           shapeText(output));
    std::vector<std::int64_t> strides(output.size(), 0);
    std::int64_t stride = 1;
    const auto offset = output.size() - input.size();
    for (std::size_t i = input.size(); i-- > 0;) {
        if (input[i] != output[i + offset] && input[i] != 1)
            throw RuntimeError("shape " + shapeText(input) + " does not broadcast to " +
                               shapeText(output));
        strides[i + offset] = input[i] == 1 ? 0 : stride;
        stride *= input[i];
    }
    return strides;
}

} // namespace pteron::runtime::aten
