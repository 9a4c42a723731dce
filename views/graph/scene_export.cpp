#include "views/graph/scene_export.hpp"

#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

#include <algorithm>
#include <vector>

namespace pteron {

namespace {

constexpr double kMaxPixels = 16384.0; // keeps whole-scene PNGs of huge graphs allocatable

QRectF sourceArea(QGraphicsView& view, ExportArea area) {
    if (area == ExportArea::WholeScene || !view.scene()) return view.scene()->sceneRect();
    return view.mapToScene(view.viewport()->rect()).boundingRect();
}

QSize targetSize(QGraphicsView& view, ExportArea area, const QRectF& source) {
    if (area == ExportArea::Visible) return view.viewport()->size();
    const double scale = std::min(1.0, kMaxPixels / std::max(source.width(), source.height()));
    return QSize(std::max(1, int(source.width() * scale)),
                 std::max(1, int(source.height() * scale)));
}

// Cached items would paint as bitmaps; vector output needs them drawn as shapes and text.
class UncachedItems {
  public:
    explicit UncachedItems(QGraphicsScene& scene) {
        for (auto* item : scene.items()) {
            if (item->cacheMode() == QGraphicsItem::NoCache) continue;
            saved_.emplace_back(item, item->cacheMode());
            item->setCacheMode(QGraphicsItem::NoCache);
        }
    }
    ~UncachedItems() {
        for (auto& [item, mode] : saved_)
            item->setCacheMode(mode);
    }
    UncachedItems(const UncachedItems&) = delete;
    UncachedItems& operator=(const UncachedItems&) = delete;

  private:
    std::vector<std::pair<QGraphicsItem*, QGraphicsItem::CacheMode>> saved_;
};

} // namespace

QString exportPng(QGraphicsView& view, ExportArea area, const QString& path) {
    if (!view.scene()) return QObject::tr("Nothing to export.");
    const auto source = sourceArea(view, area);
    QImage image(targetSize(view, area, source), QImage::Format_ARGB32_Premultiplied);
    // The canvas the graph's ink was chosen for (a dark theme draws light edges).
    image.fill(view.backgroundBrush().color());
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        view.scene()->render(&painter, QRectF(image.rect()), source, Qt::KeepAspectRatio);
    }
    return image.save(path, "PNG") ? QString() : QObject::tr("Cannot write %1").arg(path);
}

QString exportSvg(QGraphicsView& view, ExportArea area, const QString& path) {
    if (!view.scene()) return QObject::tr("Nothing to export.");
    const auto source = sourceArea(view, area);
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(source.size().toSize());
    generator.setViewBox(QRectF(QPointF(0, 0), source.size()));
    generator.setTitle(QObject::tr("pteron graph"));
    UncachedItems uncached(*view.scene());
    QPainter painter;
    if (!painter.begin(&generator)) return QObject::tr("Cannot write %1").arg(path);
    view.scene()->render(&painter, QRectF(QPointF(0, 0), source.size()), source,
                         Qt::KeepAspectRatio);
    painter.end();
    return {};
}

} // namespace pteron
