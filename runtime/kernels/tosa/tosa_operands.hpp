// Reads TOSA operands the way both schema generations store them (TOSA 1.0 operand tensors,
// TOSA 0.80 attributes), dispatches on element types and checks shapes against the file.
#pragma once

#include "runtime/kernel_context.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace pteron::runtime::tosa {

// Calls body.template operator()<T>() with the C++ type an integer element type is stored as
// (int48 and shapes as int64, bool as uint8, int4 unpacked
// to int8); fails for other types.
template <typename Body>
decltype(auto) withIntegerType(const KernelContext& ctx, DType type, Body&& body) {
    switch (type) {
    case DType::Bool:
    case DType::UInt4:
    case DType::UInt8:
        return body.template operator()<std::uint8_t>();
    case DType::Int4:
    case DType::Int8:
        return body.template operator()<std::int8_t>();
    case DType::Int16:
        return body.template operator()<std::int16_t>();
    case DType::UInt16:
        return body.template operator()<std::uint16_t>();
    case DType::Int32:
        return body.template operator()<std::int32_t>();
    case DType::Int48:
    case DType::Int64:
    case DType::Shape:
        return body.template operator()<std::int64_t>();
    default:
        ctx.fail("element type " + std::string(dtypeName(type)) +
                 " is not an integer type this operator takes");
    }
}

bool isTosaFloat(DType type);
// FP8E4M3 / FP8E5M2 (TOSA 1.0 EXT-FP8E4M3 / EXT-FP8E5M2).
bool isTosaFloat8(DType type);
// FP6E2M3 / FP6E3M2 / FP4E2M1, the TOSA 1.1 MX element types (held one code per byte).
bool isTosaMxFloat(DType type);
bool isTosaInteger(DType type);
// Every element of a fp32/fp16/bf16/fp8/fp6/fp4 tensor as float.
std::vector<float> floatsOf(const KernelContext& ctx, const Tensor& tensor);
// A tensor of a fp32/fp16/bf16/fp8/fp6/fp4 type holding `values` rounded to nearest even.
Tensor floatTensor(const KernelContext& ctx, DType type, Shape shape,
                   std::span<const float> values);
// A zeroed fp32 buffer for a result of `shape`; refuses what the runtime would refuse to allocate
// as a tensor.
std::vector<float> floatBuffer(const KernelContext& ctx, const Shape& shape);
// `value` rounded to what `type` holds (fp16/bf16 round; fp32 unchanged).
float roundToFloatType(DType type, float value);

// Every element of an integer tensor as int64 (signed, or zero-extended for unsigned storage).
std::vector<std::int64_t> integersOf(const KernelContext& ctx, const Tensor& tensor);

// A zero point: the one-element operand `operand` when present (TOSA 1.0), else the integer
// attribute `attribute` (TOSA 0.80), else 0.
std::int64_t zeroPoint(const KernelContext& ctx, std::size_t operand, std::string_view attribute);

// A list of integers: operand `operand` (a shape or integer tensor) when present, else the
// attribute `attribute`; fails when neither exists.
std::vector<std::int64_t> integerListOperand(const KernelContext& ctx, std::size_t operand,
                                             std::string_view attribute);

// The output's declared element type, or `fallback` when the file leaves it unknown.
DType outputType(const KernelContext& ctx, std::size_t index, DType fallback);
// Fails when the file declares a static output shape different from `shape`.
void checkOutputShape(const KernelContext& ctx, std::size_t index, const Shape& shape);

void requireRank(const KernelContext& ctx, const Tensor& tensor, std::size_t rank,
                 std::string_view what);
void requireType(const KernelContext& ctx, const Tensor& tensor, DType type, std::string_view what);
// An attribute list that must have exactly `count` items.
std::vector<std::int64_t> sizedInts(const KernelContext& ctx, std::string_view attribute,
                                    std::size_t count);

// Row-major strides of a shape.
std::vector<std::int64_t> stridesOf(const Shape& shape);

} // namespace pteron::runtime::tosa
