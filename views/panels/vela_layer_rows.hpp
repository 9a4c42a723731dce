// The rows of the Vela panel's per-layer table: the model's "vela.per_layer" report table, or
// one built from the figures on its nodes, and the node each row's "Matched Node" names.
#pragma once

#include "core/model.hpp"
#include "views/selection_model.hpp"

#include <optional>
#include <string_view>

namespace pteron {

// Column holding "<graph id>/<node name>" of the node a row was matched to, empty if none.
inline constexpr std::string_view kMatchedNodeColumn = "Matched Node";

// The model's "vela.per_layer" table when it has one; otherwise one row per node carrying
// "vela.cycles", "vela.macs" or "vela.util", in execution order.
ReportTable velaLayerRows(const Model& model);

// The node called `matched` ("<graph id>/<node name>"); the first such node when names repeat.
std::optional<SelectionTarget> matchedNode(const Model& model, std::string_view matched);

} // namespace pteron
