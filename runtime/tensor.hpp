// A runtime tensor: owned bytes or a zero-copy view of a constant, with dtype, shape and
// quantisation; copies share storage and writing makes a private copy first.
#pragma once

#include "core/byte_view.hpp"
#include "core/dtype.hpp"
#include "core/value.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pteron::runtime {

using Shape = std::vector<std::int64_t>;

// Elements of a shape; throws RuntimeError on a negative dimension or an overflowing product.
std::uint64_t elementCountOf(const Shape& shape);
std::string shapeText(const Shape& shape);
// Bytes of one element as the runtime stores it: int48 widened to 8 bytes; int4/uint4 and the
// fp6/fp4 MX types one element per byte (unpacked); 0 for types it cannot hold (strings,
// unknown).
std::size_t runtimeElementBytes(DType dtype);

class Tensor {
  public:
    Tensor() = default;
    // A zero-filled tensor that owns its bytes.
    Tensor(DType dtype, Shape shape);
    // A read-only view of constant bytes (copied only when the bytes are misaligned for the type).
    static Tensor viewOf(DType dtype, Shape shape, const ByteView& bytes);
    // Owned copy of `bytes`, which must hold exactly the tensor's storage.
    static Tensor fromBytes(DType dtype, Shape shape, std::span<const std::byte> bytes);

    bool defined() const { return dtype_ != DType::Unknown; }
    DType dtype() const { return dtype_; }
    const Shape& shape() const { return shape_; }
    std::size_t rank() const { return shape_.size(); }
    std::int64_t dim(std::size_t axis) const { return shape_.at(axis); }
    std::uint64_t elementCount() const { return elements_; }
    // True when the bytes are a view of a mapped file (constants).
    bool isView() const { return !owned_; }

    std::span<const std::byte> bytes() const { return {data_, size_}; }
    // Writable bytes; a shared or viewed buffer is copied first so no other tensor changes.
    std::span<std::byte> mutableBytes();

    template <typename T> std::span<const T> elements() const {
        checkElementType(sizeof(T));
        return {reinterpret_cast<const T*>(data_), static_cast<std::size_t>(elements_)};
    }
    template <typename T> std::span<T> mutableElements() {
        checkElementType(sizeof(T));
        auto writable = mutableBytes();
        return {reinterpret_cast<T*>(writable.data()), static_cast<std::size_t>(elements_)};
    }

    // The same bytes under another shape with the same element count.
    Tensor reshaped(Shape shape) const;
    // Same bytes, another element type of the same storage size (bit reinterpretation).
    Tensor retyped(DType dtype) const;

    Quantization quantization;
    std::vector<std::uint8_t> dimOrder; // empty: contiguous in the shape's order

    // "int8[1,3,224,224]"
    std::string typeText() const;

  private:
    void checkElementType(std::size_t elementSize) const;

    DType dtype_ = DType::Unknown;
    Shape shape_;
    std::uint64_t elements_ = 0;
    std::shared_ptr<std::vector<std::byte>> owned_;
    ByteView view_;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace pteron::runtime
