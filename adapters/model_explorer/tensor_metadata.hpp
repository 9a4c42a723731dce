// Model Explorer input/output metadata of one value: shape, name, tag and quantisation.
#pragma once

#include "core/value.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace pteron {

// "scale=0.0185 zero_point=-15" or "per-channel axis=0 scales=[…] zero_points=[…]"; empty when
// the value is not quantised.
std::string quantizationText(const Quantization& quantization);

// {"id": portId, "attrs": [tensor_shape, value?, tensor_name, __tensor_tag, quantization?, kind]}.
// A scalar's tensor_shape is its type at rank 0 ("int64[]"); its value goes in "value".
nlohmann::json tensorMetadata(const std::string& portId, const Value& value,
                              const std::string& tag);

// {"key": key, "value": value} — the attribute shape Model Explorer expects everywhere.
nlohmann::json meAttribute(const std::string& key, const std::string& value);

} // namespace pteron
