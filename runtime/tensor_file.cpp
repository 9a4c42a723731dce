#include "runtime/tensor_file.hpp"

#include "core/mapped_file.hpp"
#include "core/npy_array.hpp"
#include "core/npy_writer.hpp"
#include "runtime/half_float.hpp"
#include "runtime/runtime_error.hpp"

#include <vector>

namespace pteron::runtime {

Tensor readNpyTensor(const std::string& path) {
    const auto file = MappedFile::open(path);
    const auto array = parseNpy(ByteView(file, file->bytes()), path, "array");
    if (!array.numeric() || array.bigEndian || array.fortranOrder)
        throw RuntimeError(path + ": a little-endian, C-order numeric array is needed, found '" +
                           array.descr + "'" + (array.fortranOrder ? " in Fortran order" : ""));
    const auto type = array.dtype();
    if (runtimeElementBytes(type) != array.itemSize)
        throw RuntimeError(path + ": element type '" + array.descr + "' is not supported");
    return Tensor::fromBytes(type, array.shape, array.data.bytes());
}

std::string writeNpyTensor(const std::string& path, const Tensor& tensor) {
    if (tensor.dtype() == DType::BFloat16) {
        const auto bits = tensor.elements<std::uint16_t>();
        std::vector<float> widened(bits.size());
        for (std::size_t i = 0; i < bits.size(); ++i)
            widened[i] = bfloat16ToFloat(bits[i]);
        return writeNpyFile(path, DType::Float32, tensor.shape(),
                            std::as_bytes(std::span(widened)));
    }
    // Widened types are written as the type they are held in.
    auto stored = tensor.dtype();
    if (stored == DType::Int48) stored = DType::Int64;
    if (stored == DType::Int4) stored = DType::Int8;
    if (stored == DType::UInt4) stored = DType::UInt8;
    return writeNpyFile(path, stored, tensor.shape(), tensor.bytes());
}

} // namespace pteron::runtime
