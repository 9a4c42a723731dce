// Builds one-operator .tflite files with the flatc-generated code of our own schema, for tests
// that run an operator through the reader and the runtime exactly as a real model would.
#pragma once

#include "core/model.hpp"

#include <tflite_model_generated.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pteron::testing {

struct TfliteTensorSpec {
    std::vector<std::int32_t> shape;
    fb::tflite::TensorType type = fb::tflite::TensorType::FLOAT32;
    std::vector<float> scales; // empty: not quantised
    std::vector<std::int64_t> zeroPoints;
    std::int32_t quantizedDimension = 0;
    std::vector<std::uint8_t> data; // constant contents; empty: an activation
};

// Constant bytes of a vector of numbers, little-endian as the flatbuffer stores them.
template <typename T> std::vector<std::uint8_t> constantBytes(const std::vector<T>& values) {
    std::vector<std::uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

// Writes the builtin options table into the builder; returns its union type and offset.
using TfliteOptionsWriter =
    std::function<std::pair<fb::tflite::BuiltinOptions, flatbuffers::Offset<void>>(
        flatbuffers::FlatBufferBuilder&)>;

struct TfliteOperatorSpec {
    fb::tflite::BuiltinOperator op = fb::tflite::BuiltinOperator::ADD;
    std::vector<TfliteTensorSpec> tensors;
    std::vector<std::int32_t> inputs; // tensor indices; -1 for an absent optional operand
    std::vector<std::int32_t> outputs;
    TfliteOptionsWriter options;
};

// The serialised file (identifier "TFL3"); graph inputs are the operator's non-constant inputs
// in operand order.
std::vector<std::uint8_t> tfliteFileBytes(const TfliteOperatorSpec& spec);
// The file read back by pteron's reader, as `name`.
Model readTflite(const TfliteOperatorSpec& spec, const std::string& name = "operator.tflite");

} // namespace pteron::testing
