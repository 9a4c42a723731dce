// The structured summary of a model that `pteron info` prints as text or JSON.
#pragma once

#include "core/model.hpp"

#include <nlohmann/json.hpp>

namespace pteron {

// Keys: file, format, format_version, metadata, graphs[], partitions[] (each with calls and
// operators as placement_figures counts them), placement (operators, npu_operators, npu_share,
// macs, npu_macs, rows[] per top-level graph and backend), constant_bytes, report_tables[]. A child
// graph's own delegated partition carries "same_as" (the calling partition) and payload_bytes 0.
nlohmann::json modelSummary(const Model& model);

// {"name","dtype","shape"} of one value; shape is null for scalars.
nlohmann::json valueSummary(const Value& value);

} // namespace pteron
