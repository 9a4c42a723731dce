// The colours a graph is drawn with that do not belong to a backend (edges, edge labels,
// partition titles), chosen against the system palette's canvas so a dark theme reads too.
#pragma once

#include <QColor>

class QPalette;

namespace pteron {

struct SceneInk {
    QColor edge{0x60, 0x60, 0x60};
    QColor edgeLabel{0x30, 0x30, 0x80};
    bool dark = false;

    static SceneInk fromPalette(const QPalette& palette);
    bool operator==(const SceneInk&) const = default;
    // A partition's title in its backend's hue, dark on a light canvas and light on a dark one.
    QColor titleOf(const QColor& backend) const;
};

} // namespace pteron
