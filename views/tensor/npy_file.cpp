#include "views/tensor/npy_file.hpp"

#include "core/npy_writer.hpp"
#include "views/tensor/tensor_elements.hpp"

#include <vector>

namespace pteron {

bool canWriteNpy(const Value& value) {
    const auto stored = value.dtype == DType::BFloat16 ? DType::Float32 : value.dtype;
    return !value.data.empty() && npyDescr(stored) && canDecodeElements(value.dtype);
}

std::string writeNpy(const Value& value, const std::string& path) {
    const auto elements = decodeElements(value);
    if (!canWriteNpy(value) || !elements)
        return "this tensor's element type cannot be saved as .npy";
    const std::vector<std::int64_t> shape =
        value.hasShape ? value.shape
                       : std::vector<std::int64_t>{static_cast<std::int64_t>(elements->size())};
    if (value.dtype == DType::BFloat16) {
        // bf16 has no NumPy type; it is written widened to fp32.
        std::vector<float> widened(elements->begin(), elements->end());
        return writeNpyFile(path, DType::Float32, shape, std::as_bytes(std::span(widened)));
    }
    const auto bytes = value.data.bytes();
    const auto used =
        std::min<std::uint64_t>(dtypeStorageBytes(value.dtype, elements->size()), bytes.size());
    return writeNpyFile(path, value.dtype, shape, bytes.first(static_cast<std::size_t>(used)));
}

} // namespace pteron
