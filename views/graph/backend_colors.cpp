#include "views/graph/backend_colors.hpp"

namespace pteron {

const BackendPalette& backendPalette() {
    static const BackendPalette palette = BackendPalette::locate();
    return palette;
}

QColor backendColor(const Partition& partition) {
    const auto fill = backendPalette().color(partition.backend, deviceClassName(partition.device));
    return QColor(QString::fromStdString(fill));
}

QColor textColorOn(const QColor& fill) {
    return QColor(QString::fromStdString(BackendPalette::textColorOn(fill.name().toStdString())));
}

} // namespace pteron
