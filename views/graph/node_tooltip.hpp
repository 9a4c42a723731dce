// The tooltip of a drawn node: its key facts at a glance, without opening the properties panel.
#pragma once

#include "core/graph.hpp"

#include <QString>

namespace pteron {

// Op (and the drawn title when it differs), name, partition label ("EthosUBackend#0") with its
// device, each input's and output's operand name, type and shape, constant weight shapes and
// the MACs when recorded or known from the operand shapes.
QString nodeToolTip(const Graph& graph, const Node& node);

} // namespace pteron
