// NPU command-stream operations coloured by kind within their backend's hue, so convolutions,
// pooling, elementwise work and data movement read apart at a glance.
#pragma once

#include "core/node.hpp"

#include <QColor>

#include <string_view>

namespace pteron {

// The kind of an NPU command-stream operation ("CONV", "DEPTHWISE", "POOL", "ELEMENTWISE",
// "RESIZE", "DMA", …), from its op "ethosu.<kind>"; empty for any other node.
std::string_view npuOperationKind(const Node& node);

// `backend` with the lightness and saturation of `kind`, keeping its hue; `backend` itself for
// a kind without a shade of its own.
QColor operationKindColor(const QColor& backend, std::string_view kind);

} // namespace pteron
