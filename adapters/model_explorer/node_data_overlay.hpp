// Model Explorer node-data overlays built from numeric node attributes ("vela.cycles", ...).
#pragma once

#include "core/model.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace pteron {

// Numeric node attributes whose names carry a '.' namespace ("vela.cycles", "runtime.ticks.avg")
// or are a plain measure ("macs", "cycles", "duration"), with how many nodes carry each: the
// metrics an overlay can show. Found in the model, never listed in advance.
std::map<std::string, std::size_t> overlayMetrics(const Model& model);

// {graphId: {"name", "results": {nodeId: {"value"}}, "gradient": [...]}} for every graph with
// nodes carrying `metric`; throws std::invalid_argument when no node carries it. The gradient
// runs white to red from the smallest value to the largest, or the other way round when
// `lowIsHot` (a signal-to-noise ratio, where the small values are the bad ones).
nlohmann::json nodeDataOverlay(const Model& model, std::string_view metric, bool lowIsHot = false);

} // namespace pteron
