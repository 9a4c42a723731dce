#include "runtime/tensor.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace pteron::runtime {

std::uint64_t elementCountOf(const Shape& shape) {
    std::uint64_t count = 1;
    for (const auto dim : shape) {
        if (dim < 0) throw RuntimeError("negative dimension in shape " + shapeText(shape));
        if (dim != 0 &&
            count > std::numeric_limits<std::uint64_t>::max() / 2 / static_cast<std::uint64_t>(dim))
            throw RuntimeError("shape " + shapeText(shape) + " has too many elements");
        count *= static_cast<std::uint64_t>(dim);
    }
    return count;
}

std::string shapeText(const Shape& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? "," : "") + std::to_string(shape[i]);
    return text + "]";
}

// int4/uint4 are held unpacked, one sign- or zero-extended element per byte, so kernels index
// them like int8/uint8; an fp6/fp4 code likewise sits in the low bits of its own byte.
std::size_t runtimeElementBytes(DType dtype) {
    if (dtype == DType::Int48) return 8;
    if (dtype == DType::Int4 || dtype == DType::UInt4) return 1;
    if (dtype == DType::Float6E2M3 || dtype == DType::Float6E3M2 || dtype == DType::Float4E2M1)
        return 1;
    const auto bits = dtypeBits(dtype);
    return bits % 8 == 0 ? bits / 8 : 0;
}

namespace {

// Activations beyond this are refused: no model this runtime serves needs more, and a hostile
// shape must not turn into a huge allocation.
constexpr std::uint64_t kMaxTensorBytes = std::uint64_t{1} << 31;

std::uint64_t storageBytes(DType dtype, const Shape& shape, std::uint64_t elements) {
    const auto elementBytes = runtimeElementBytes(dtype);
    if (elementBytes == 0)
        throw RuntimeError("tensor of element type " + std::string(dtypeName(dtype)) +
                           " cannot be held by the runtime");
    const auto bytes = elements * elementBytes;
    if (bytes > kMaxTensorBytes)
        throw RuntimeError("tensor " + std::string(dtypeName(dtype)) + shapeText(shape) +
                           " needs " + std::to_string(bytes) + " bytes, more than allowed");
    return bytes;
}

} // namespace

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)), elements_(elementCountOf(shape_)) {
    size_ = static_cast<std::size_t>(storageBytes(dtype_, shape_, elements_));
    owned_ = std::make_shared<std::vector<std::byte>>(size_);
    data_ = owned_->data();
}

Tensor Tensor::viewOf(DType dtype, Shape shape, const ByteView& bytes) {
    const auto elements = elementCountOf(shape);
    const auto needed = storageBytes(dtype, shape, elements);
    if (bytes.size() < needed)
        throw RuntimeError("constant " + std::string(dtypeName(dtype)) + shapeText(shape) +
                           " needs " + std::to_string(needed) + " bytes, the file holds " +
                           std::to_string(bytes.size()));
    if (dtype == DType::Int48 || dtype == DType::Int4 || dtype == DType::UInt4)
        throw RuntimeError(std::string(dtypeName(dtype)) +
                           " constants are not held as views; unpack them first");
    const auto alignment = std::max<std::size_t>(1, runtimeElementBytes(dtype));
    if (reinterpret_cast<std::uintptr_t>(bytes.bytes().data()) % alignment != 0)
        return fromBytes(dtype, std::move(shape), bytes.bytes().first(needed));
    Tensor tensor;
    tensor.dtype_ = dtype;
    tensor.shape_ = std::move(shape);
    tensor.elements_ = elements;
    tensor.view_ = bytes;
    tensor.data_ = bytes.bytes().data();
    tensor.size_ = static_cast<std::size_t>(needed);
    return tensor;
}

Tensor Tensor::fromBytes(DType dtype, Shape shape, std::span<const std::byte> bytes) {
    Tensor tensor(dtype, std::move(shape));
    if (bytes.size() != tensor.size_)
        throw RuntimeError("tensor " + tensor.typeText() + " needs " +
                           std::to_string(tensor.size_) + " bytes, given " +
                           std::to_string(bytes.size()));
    if (!bytes.empty()) std::memcpy(tensor.owned_->data(), bytes.data(), bytes.size());
    return tensor;
}

std::span<std::byte> Tensor::mutableBytes() {
    if (!owned_ || owned_.use_count() > 1) {
        auto copy = std::make_shared<std::vector<std::byte>>(data_, data_ + size_);
        owned_ = std::move(copy);
        view_ = ByteView();
        data_ = owned_->data();
    }
    return {owned_->data(), size_};
}

Tensor Tensor::reshaped(Shape shape) const {
    if (elementCountOf(shape) != elements_)
        throw RuntimeError("cannot reshape " + typeText() + " to " + shapeText(shape));
    Tensor tensor = *this;
    tensor.shape_ = std::move(shape);
    tensor.dimOrder.clear();
    return tensor;
}

Tensor Tensor::retyped(DType dtype) const {
    if (runtimeElementBytes(dtype) != runtimeElementBytes(dtype_))
        throw RuntimeError("cannot reinterpret " + typeText() + " as " +
                           std::string(dtypeName(dtype)));
    Tensor tensor = *this;
    tensor.dtype_ = dtype;
    return tensor;
}

std::string Tensor::typeText() const {
    return std::string(dtypeName(dtype_)) + shapeText(shape_);
}

void Tensor::checkElementType(std::size_t elementSize) const {
    if (runtimeElementBytes(dtype_) != elementSize)
        throw RuntimeError("tensor " + typeText() + " read with " + std::to_string(elementSize) +
                           "-byte elements");
}

} // namespace pteron::runtime
