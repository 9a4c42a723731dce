// Model Explorer sync-navigation mapping between two models (e.g. a delegate and its .tosa).
#pragma once

#include "core/model.hpp"
#include "core/model_correspondence.hpp"

#include <nlohmann/json.hpp>

namespace pteron {

// Pairs only graphs with a known correspondence: the same graph inputs and outputs (dtype and
// element count, so layout transposes agree: a TOSA and its VGF, a Vela input and its output),
// or one is the payload of a call whose activation operands are the other's interface (a .pte
// delegate and its TOSA, a Vela ethos-u operator's command stream and the Vela input). Throws
// std::invalid_argument when no graph pair corresponds. Pairs are taken by score and each node
// is mapped at most once on either side; graphs with the same interface also map their inputs
// and outputs, by tensor name where the names agree, else by position. Writes {"mapping":
// {leftNodeId: rightNodeId}, "graphPairs": [{"left","right","relation","matched","terminals",
// "byName"}]}.
nlohmann::json syncMapping(const Model& left, const Model& right);

} // namespace pteron
