// A value flowing through a graph: tensor or scalar, with type, shape, quantisation and constant
// bytes.
#pragma once

#include "core/attribute.hpp"
#include "core/byte_view.hpp"
#include "core/dtype.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pteron {

enum class ValueKind : std::uint8_t { Intermediate, Input, Output, Constant, Scalar, Absent };
std::string_view valueKindName(ValueKind kind);

enum class ShapeDynamism : std::uint8_t { Static, DynamicBound, DynamicUnbound };

struct Quantization {
    std::vector<double> scales;
    std::vector<std::int64_t> zeroPoints;
    std::optional<std::int64_t> axis; // per-channel axis; empty for per-tensor
    std::string scheme;               // "per-tensor", "per-channel", "per-channel-group", "dynamic"
    std::optional<std::int64_t> groupSize;
    bool empty() const { return scheme.empty() && scales.empty() && zeroPoints.empty(); }
};

// Where a memory-planned tensor lives (ExecuTorch arenas, NPU regions).
struct Allocation {
    std::int64_t memoryId = 0;
    std::uint64_t offset = 0;
};

struct Value {
    std::string name;
    ValueKind kind = ValueKind::Intermediate;
    DType dtype = DType::Unknown;
    std::vector<std::int64_t> shape; // upper bounds when dynamic; -1 for unknown dims
    ShapeDynamism dynamism = ShapeDynamism::Static;
    bool hasShape = false; // false for scalars and unranked values
    std::vector<std::uint8_t> dimOrder;
    Quantization quantization;
    std::optional<Allocation> allocation;
    ByteView data;         // constant bytes, a lazy view into the mapped file
    AttributeValue scalar; // for scalar values (Int, Double, lists…)
    Attributes attributes; // format-specific extras (storage location, flags, keys)

    std::uint64_t elementCount() const;
    // "int8[1,3,224,224]"; dynamic bounds are marked "<=8"; scalars print their value.
    std::string typeText() const;
};

} // namespace pteron
