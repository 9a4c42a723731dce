// Colour of a partition's backend, so every view colours placement the same way.
#pragma once

#include "adapters/palette/backend_palette.hpp"
#include "core/partition.hpp"

#include <QColor>

namespace pteron {

// The palette of resources/backend_palette.json, located once on first use and never changed.
const BackendPalette& backendPalette();

QColor backendColor(const Partition& partition);

// Black or white, whichever reads better on `fill`.
QColor textColorOn(const QColor& fill);

} // namespace pteron
