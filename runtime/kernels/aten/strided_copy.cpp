#include "runtime/kernels/aten/strided_copy.hpp"

#include <cstring>

namespace pteron::runtime::aten {

Tensor stridedCopy(const Tensor& input, const Shape& shape,
                   const std::vector<std::int64_t>& strides, std::int64_t base) {
    Tensor result(input.dtype(), shape);
    result.quantization = input.quantization;
    const auto count = result.elementCount();
    if (count == 0) return result;
    const auto elementBytes = static_cast<std::int64_t>(runtimeElementBytes(input.dtype()));
    const auto* in = input.bytes().data();
    auto* out = result.mutableBytes().data();
    const auto rank = shape.size();
    if (rank == 0) {
        std::memcpy(out, in + base * elementBytes, static_cast<std::size_t>(elementBytes));
        return result;
    }
    const auto innerLength = shape[rank - 1];
    const auto innerStride = strides[rank - 1];
    std::vector<std::int64_t> counter(rank, 0);
    std::int64_t offset = base;
    for (std::uint64_t start = 0; start < count; start += static_cast<std::uint64_t>(innerLength)) {
        auto* target = out + static_cast<std::int64_t>(start) * elementBytes;
        if (innerStride == 1) {
            std::memcpy(target, in + offset * elementBytes,
                        static_cast<std::size_t>(innerLength * elementBytes));
        } else {
            for (std::int64_t i = 0; i < innerLength; ++i)
                std::memcpy(target + i * elementBytes,
                            in + (offset + i * innerStride) * elementBytes,
                            static_cast<std::size_t>(elementBytes));
        }
        for (std::size_t d = rank - 1; d-- > 0;) {
            offset += strides[d];
            if (++counter[d] < shape[d]) break;
            offset -= strides[d] * shape[d];
            counter[d] = 0;
        }
    }
    return result;
}

} // namespace pteron::runtime::aten
