#include "runtime/kernels/aten/dim_order.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::runtime::aten {

bool isContiguousOrder(const DimOrder& order) {
    for (std::size_t i = 0; i < order.size(); ++i)
        if (order[i] != i) return false;
    return true;
}

bool isValidOrder(const DimOrder& order, std::size_t rank) {
    if (order.size() != rank) return false;
    std::vector<bool> seen(rank, false);
    for (const auto dim : order) {
        if (dim >= rank || seen[dim]) return false;
        seen[dim] = true;
    }
    return true;
}

DimOrder channelsLastOrder() {
    return {0, 2, 3, 1};
}

namespace {

// Strides in elements of each logical dimension when bytes are contiguous in `order`.
std::vector<std::int64_t> stridesInOrder(const Shape& shape, const DimOrder& order) {
    std::vector<std::int64_t> strides(shape.size(), 1);
    std::int64_t stride = 1;
    for (std::size_t i = order.size(); i-- > 0;) {
        strides[order[i]] = stride;
        stride *= shape[order[i]];
    }
    return strides;
}

// True when moving between the orders leaves every byte in place (dims of size 1 move freely).
bool sameLayout(const Shape& shape, const DimOrder& from, const DimOrder& to) {
    std::vector<std::uint8_t> a, b;
    for (const auto d : from)
        if (shape[d] != 1) a.push_back(d);
    for (const auto d : to)
        if (shape[d] != 1) b.push_back(d);
    return a == b;
}

DimOrder orderOf(const Tensor& tensor) {
    if (!tensor.dimOrder.empty()) return tensor.dimOrder;
    DimOrder order(tensor.rank());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<std::uint8_t>(i);
    return order;
}

} // namespace

Tensor toDimOrder(const Tensor& tensor, const DimOrder& wanted) {
    const auto rank = tensor.rank();
    DimOrder target = wanted;
    if (target.empty())
        for (std::size_t i = 0; i < rank; ++i)
            target.push_back(static_cast<std::uint8_t>(i));
    if (!isValidOrder(target, rank))
        throw RuntimeError("dim order of " + std::to_string(target.size()) +
                           " entries is not a permutation for " + tensor.typeText());
    const auto source = orderOf(tensor);
    if (!isValidOrder(source, rank))
        throw RuntimeError("tensor " + tensor.typeText() + " carries an invalid dim order");
    Tensor result;
    if (sameLayout(tensor.shape(), source, target)) {
        result = tensor;
    } else {
        result = Tensor(tensor.dtype(), tensor.shape());
        result.quantization = tensor.quantization;
        const auto elementBytes = runtimeElementBytes(tensor.dtype());
        const auto sourceStrides = stridesInOrder(tensor.shape(), source);
        // Walk the destination in its own order; find each element in the source.
        Shape destinationShape(rank);
        std::vector<std::int64_t> destinationToSource(rank);
        for (std::size_t i = 0; i < rank; ++i) {
            destinationShape[i] = tensor.shape()[target[i]];
            destinationToSource[i] = sourceStrides[target[i]];
        }
        const auto in = tensor.bytes();
        auto out = result.mutableBytes();
        std::vector<std::int64_t> counter(rank, 0);
        std::int64_t sourceIndex = 0;
        for (std::uint64_t e = 0; e < tensor.elementCount(); ++e) {
            std::memcpy(out.data() + e * elementBytes,
                        in.data() + static_cast<std::uint64_t>(sourceIndex) * elementBytes,
                        elementBytes);
            for (std::size_t d = rank; d-- > 0;) {
                sourceIndex += destinationToSource[d];
                if (++counter[d] < destinationShape[d]) break;
                sourceIndex -= destinationToSource[d] * destinationShape[d];
                counter[d] = 0;
            }
        }
    }
    result.dimOrder = isContiguousOrder(target) ? DimOrder{} : target;
    return result;
}

Tensor toContiguous(const Tensor& tensor) {
    if (isContiguousOrder(tensor.dimOrder)) {
        if (tensor.dimOrder.empty()) return tensor;
        Tensor plain = tensor;
        plain.dimOrder.clear();
        return plain;
    }
    return toDimOrder(tensor, {});
}

} // namespace pteron::runtime::aten
