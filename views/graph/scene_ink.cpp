#include "views/graph/scene_ink.hpp"

#include <QPalette>

namespace pteron {

namespace {
// `share` of `a` over `b`.
QColor blend(const QColor& a, const QColor& b, double share) {
    const auto mix = [share](int x, int y) { return int(x * share + y * (1.0 - share) + 0.5); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}
} // namespace

SceneInk SceneInk::fromPalette(const QPalette& palette) {
    SceneInk ink;
    const auto canvas = palette.color(QPalette::Base);
    const auto text = palette.color(QPalette::Text);
    ink.dark = canvas.lightness() < text.lightness();
    // Edges a little softer than text, so boxes and their labels stay what the eye reads first.
    ink.edge = blend(text, canvas, 0.65);
    // Edge labels in the link hue, pulled towards the text colour so they read on either canvas.
    ink.edgeLabel = blend(palette.color(QPalette::Link), text, 0.5);
    return ink;
}

QColor SceneInk::titleOf(const QColor& backend) const {
    return dark ? backend.lighter(130) : backend.darker(170);
}

} // namespace pteron
