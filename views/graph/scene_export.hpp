// Writes a graph view or its whole scene to PNG or SVG.
#pragma once

#include <QString>

class QGraphicsView;

namespace pteron {

enum class ExportArea { Visible, WholeScene };

// Both return an error message, empty on success.
QString exportPng(QGraphicsView& view, ExportArea area, const QString& path);
QString exportSvg(QGraphicsView& view, ExportArea area, const QString& path);

} // namespace pteron
